//! Places on the earth: validated site locations, service-region boundaries and the
//! point-in-polygon test that finds a site's region.

use super::Invalid;
use geo::algorithm::Validation;
use geo::{BoundingRect, Contains, Coord, LineString, MultiPolygon, Point, Polygon};

/// A latitude/longitude pair that is known to be on the earth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    lat: f64,
    lon: f64,
}

impl Location {
    /// Latitude -90..=90, longitude -180..=180, both finite.
    pub fn parse(lat: f64, lon: f64) -> Result<Location, Invalid> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(Invalid::new("latitude", format!("{lat} is not between -90 and 90")));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(Invalid::new("longitude", format!("{lon} is not between -180 and 180")));
        }
        Ok(Location { lat, lon })
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }

    pub fn lon(&self) -> f64 {
        self.lon
    }

    pub fn point(&self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }
}

/// A service region's outline: one or more polygons, each ring closed and on the earth.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    shape: MultiPolygon<f64>,
    bbox: BBox,
}

/// The boundary's bounding box, stored beside it so a site's candidate regions are found by index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub min_lat: f64,
    pub min_lon: f64,
    pub max_lat: f64,
    pub max_lon: f64,
}

impl BBox {
    pub fn contains(&self, at: &Location) -> bool {
        (self.min_lat..=self.max_lat).contains(&at.lat) && (self.min_lon..=self.max_lon).contains(&at.lon)
    }
}

/// The mean earth radius the haversine distances use, in kilometres.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A box of latitudes and longitudes holding every point within `radius_km` of `centre` (great
/// circle), or None when such a box would reach a pole or cross the antimeridian (then search
/// everywhere). Points outside the box are farther than the radius.
pub fn around(centre: &Location, radius_km: f64) -> Option<BBox> {
    let r = radius_km / EARTH_RADIUS_KM; // angular radius
    let lat = centre.lat.to_radians();
    let (min_lat, max_lat) = (lat - r, lat + r);
    if max_lat >= std::f64::consts::FRAC_PI_2 || min_lat <= -std::f64::consts::FRAC_PI_2 {
        return None;
    }
    let spread = r.sin() / lat.cos();
    if spread >= 1.0 {
        return None;
    }
    let dlon = spread.asin().to_degrees();
    let (min_lon, max_lon) = (centre.lon - dlon, centre.lon + dlon);
    if min_lon < -180.0 || max_lon > 180.0 {
        return None;
    }
    Some(BBox {
        min_lat: min_lat.to_degrees(),
        min_lon,
        max_lat: max_lat.to_degrees(),
        max_lon,
    })
}

fn check_ring(ring: &LineString<f64>, field: &str) -> Result<(), Invalid> {
    let pts = &ring.0;
    if pts.len() < 4 {
        return Err(Invalid::new(
            field,
            "a ring needs at least four positions (the first repeated last)",
        ));
    }
    if pts.first() != pts.last() {
        return Err(Invalid::new(field, "a ring must end where it starts"));
    }
    for c in pts {
        Location::parse(c.y, c.x).map_err(|e| Invalid::new(field, format!("position off the earth: {}", e.reason)))?;
    }
    Ok(())
}

impl Boundary {
    /// Checks every ring (closed, at least a triangle, positions on the earth) and a non-zero area.
    pub fn new(shape: MultiPolygon<f64>) -> Result<Boundary, Invalid> {
        const FIELD: &str = "boundary";
        if shape.0.is_empty() {
            return Err(Invalid::new(FIELD, "needs at least one polygon"));
        }
        for poly in &shape.0 {
            check_ring(poly.exterior(), FIELD)?;
            for hole in poly.interiors() {
                check_ring(hole, FIELD)?;
            }
        }
        let rect = shape
            .bounding_rect()
            .ok_or_else(|| Invalid::new(FIELD, "has no extent"))?;
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return Err(Invalid::new(FIELD, "has no area"));
        }
        let bbox = BBox {
            min_lat: rect.min().y,
            min_lon: rect.min().x,
            max_lat: rect.max().y,
            max_lon: rect.max().x,
        };
        Ok(Boundary { shape, bbox })
    }

    /// A boundary given by a user: `new`'s checks and a valid shape as the `geo` crate's
    /// `Validation` (OGC simple features) sees it: no ring that crosses or touches itself (a
    /// bow-tie), holes inside the outer ring, parts of a multi-polygon that do not overlap. The
    /// reason names the polygon and ring at fault. Stored boundaries are read with `new` only,
    /// so one saved before this check still loads.
    pub fn valid(shape: MultiPolygon<f64>) -> Result<Boundary, Invalid> {
        let b = Boundary::new(shape)?;
        if b.shape.0.len() == 1 {
            b.shape.0[0]
                .check_validation()
                .map_err(|e| Invalid::new("boundary", format!("not a valid polygon: {e}")))?;
        } else {
            b.shape
                .check_validation()
                .map_err(|e| Invalid::new("boundary", format!("not a valid multi-polygon: {e}")))?;
        }
        Ok(b)
    }

    /// Builds a single polygon from (longitude, latitude) positions; the ring is closed if open.
    pub fn from_ring(positions: &[(f64, f64)]) -> Result<Boundary, Invalid> {
        let mut ring: Vec<Coord<f64>> = positions.iter().map(|&(x, y)| Coord { x, y }).collect();
        if ring.first() != ring.last() {
            if let Some(first) = ring.first().copied() {
                ring.push(first);
            }
        }
        Boundary::valid(MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]))
    }

    pub fn bbox(&self) -> BBox {
        self.bbox
    }

    pub fn shape(&self) -> &MultiPolygon<f64> {
        &self.shape
    }

    /// True when the location lies inside (a point on the edge counts as outside).
    pub fn contains(&self, at: &Location) -> bool {
        self.bbox.contains(at) && self.shape.contains(&at.point())
    }
}

/// The region that contains a location: the first match among `regions`, which the caller
/// orders (the smallest id first, so the answer does not depend on storage order).
pub fn region_of<'a, K: Copy>(regions: impl IntoIterator<Item = (K, &'a Boundary)>, at: &Location) -> Option<K> {
    regions.into_iter().find(|(_, b)| b.contains(at)).map(|(k, _)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Boundary {
        Boundary::from_ring(&[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]).unwrap()
    }

    #[test]
    fn the_box_around_a_point_holds_the_whole_circle_and_little_more() {
        use geo::{Destination, Distance, Haversine};
        for (lat, lon) in [(0.0, 0.0), (31.23, 121.47), (-45.0, 170.0), (69.6, 18.9)] {
            let centre = Location::parse(lat, lon).unwrap();
            for radius in [0.5, 10.0, 250.0] {
                let b = around(&centre, radius).unwrap();
                for bearing in (0..360).step_by(5) {
                    let p = Haversine.destination(centre.point(), f64::from(bearing), radius * 1000.0 * 0.999_999);
                    let at = Location::parse(p.y(), p.x()).unwrap();
                    assert!(b.contains(&at), "{lat},{lon} r={radius} bearing {bearing}");
                }
                // The box's edges touch the circle: its middles are at the radius.
                let north = Location::parse(b.max_lat, lon).unwrap();
                let east = Location::parse(lat, b.max_lon).unwrap();
                let km = |a: &Location| Haversine.distance(centre.point(), a.point()) / 1000.0;
                assert!((km(&north) - radius).abs() < radius * 1e-6);
                assert!(km(&east) >= radius * (1.0 - 1e-6) && km(&east) < radius * 1.02);
            }
        }
        // Near a pole, or across the antimeridian, there is no such box: search everywhere.
        assert!(around(&Location::parse(89.95, 0.0).unwrap(), 10.0).is_none());
        assert!(around(&Location::parse(10.0, 179.99).unwrap(), 10.0).is_none());
        assert!(around(&Location::parse(0.0, 0.0).unwrap(), 30_000.0).is_none());
    }

    #[test]
    fn latitude_91_is_refused_naming_the_field() {
        let e = Location::parse(91.0, 0.0).unwrap_err();
        assert_eq!(e.field, "latitude");
        assert_eq!(Location::parse(0.0, 180.5).unwrap_err().field, "longitude");
        assert!(Location::parse(f64::NAN, 0.0).is_err());
        assert!(Location::parse(-90.0, -180.0).is_ok());
    }

    #[test]
    fn point_in_polygon_finds_the_region() {
        let urban = square(120.0, 30.0, 120.5, 30.5);
        let rural = square(119.0, 29.0, 121.0, 31.0);
        let regions = [(1, &urban), (2, &rural)];
        let centre = Location::parse(30.25, 120.25).unwrap();
        let outskirts = Location::parse(29.5, 119.5).unwrap();
        let far = Location::parse(40.0, 116.0).unwrap();
        assert_eq!(region_of(regions, &centre), Some(1));
        assert_eq!(region_of(regions, &outskirts), Some(2));
        assert_eq!(region_of(regions, &far), None);
    }

    #[test]
    fn a_hole_is_outside() {
        let outer = LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]);
        let hole = LineString::from(vec![(4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0), (4.0, 4.0)]);
        let b = Boundary::new(MultiPolygon(vec![Polygon::new(outer, vec![hole])])).unwrap();
        assert!(b.contains(&Location::parse(2.0, 2.0).unwrap()));
        assert!(!b.contains(&Location::parse(5.0, 5.0).unwrap()));
    }

    #[test]
    fn degenerate_boundaries_are_refused() {
        assert!(Boundary::from_ring(&[(0.0, 0.0), (1.0, 1.0)]).is_err());
        assert!(Boundary::from_ring(&[(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]).is_err());
        assert!(Boundary::from_ring(&[(0.0, 0.0), (1.0, 0.0), (1.0, 95.0)]).is_err());
        assert!(Boundary::new(MultiPolygon(vec![])).is_err());
    }
}
