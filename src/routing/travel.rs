//! Travel between places: a small interface, so that a road-network matrix can take the place
//! of the estimate, and the estimate itself — the great-circle distance times a road factor, at
//! a speed that depends on the kind of area travelled through.

use super::Matrix;
use crate::domain::geo::Location;
use fieldline_mobile_api::types::RegionClass;

/// A place to travel from or to, with the class of the region it lies in (`None` outside every
/// region).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    pub at: Location,
    pub class: Option<RegionClass>,
}

/// Fills the travel matrix between places.
pub trait TravelModel: Send + Sync {
    fn matrix(&self, places: &[Place]) -> Matrix;
}

/// Haversine distance × `road_factor`, driven at `urban_kmh` when either end lies in an urban
/// region (or outside every region) and at `rural_kmh` when both lie in rural ones.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub road_factor: f64,
    pub urban_kmh: f64,
    pub rural_kmh: f64,
}

impl Default for Estimate {
    fn default() -> Self {
        Estimate {
            road_factor: 1.3,
            urban_kmh: 25.0,
            rural_kmh: 50.0,
        }
    }
}

impl Estimate {
    /// Metres and seconds from `a` to `b`.
    pub fn leg(&self, a: &Place, b: &Place) -> (i64, i64) {
        use geo::Distance;
        let metres = geo::Haversine.distance(a.at.point(), b.at.point()) * self.road_factor;
        let rural = a.class == Some(RegionClass::Rural) && b.class == Some(RegionClass::Rural);
        let kmh = if rural { self.rural_kmh } else { self.urban_kmh };
        let seconds = metres / (kmh * 1000.0 / 3600.0);
        (metres.round() as i64, seconds.round() as i64)
    }
}

impl TravelModel for Estimate {
    fn matrix(&self, places: &[Place]) -> Matrix {
        let n = places.len();
        let mut m = Matrix {
            size: n,
            seconds: vec![0; n * n],
            metres: vec![0; n * n],
        };
        for (i, a) in places.iter().enumerate() {
            for (j, b) in places.iter().enumerate().skip(i + 1) {
                let (metres, seconds) = self.leg(a, b);
                for (x, y) in [(i, j), (j, i)] {
                    m.metres[x * n + y] = metres;
                    m.seconds[x * n + y] = seconds;
                }
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(lat: f64, lon: f64, class: Option<RegionClass>) -> Place {
        Place {
            at: Location::parse(lat, lon).unwrap(),
            class,
        }
    }

    #[test]
    fn a_leg_is_the_great_circle_times_the_road_factor_at_the_area_speed() {
        let e = Estimate::default();
        // One degree of latitude is about 111.2 km.
        let (a, b) = (place(31.0, 121.0, None), place(32.0, 121.0, None));
        let (metres, seconds) = e.leg(&a, &b);
        assert!((metres as f64 - 111_195.0 * 1.3).abs() < 200.0, "{metres}");
        assert!((seconds as f64 - metres as f64 / (25_000.0 / 3600.0)).abs() <= 1.0);
        let rural = Some(RegionClass::Rural);
        let (_, fast) = e.leg(&place(31.0, 121.0, rural), &place(32.0, 121.0, rural));
        assert!(
            (fast as f64 * 2.0 - seconds as f64).abs() <= 2.0,
            "rural is twice as fast"
        );
        let (_, mixed) = e.leg(
            &place(31.0, 121.0, rural),
            &place(32.0, 121.0, Some(RegionClass::Urban)),
        );
        assert_eq!(mixed, seconds, "an urban end drives at the urban speed");
    }

    #[test]
    fn the_matrix_is_symmetric_with_a_zero_diagonal() {
        let places = [
            place(31.0, 121.0, None),
            place(31.1, 121.2, None),
            place(30.9, 121.4, None),
        ];
        let m = Estimate::default().matrix(&places);
        for i in 0..3 {
            assert_eq!(m.seconds(i, i), 0);
            for j in 0..3 {
                assert_eq!(m.seconds(i, j), m.seconds(j, i));
                assert_eq!(m.metres(i, j), m.metres(j, i));
            }
        }
        assert!(m.metres(0, 1) > 0);
    }
}
