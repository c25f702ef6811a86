//! GeoJSON in and out: a region's boundary arrives as a GeoJSON `Polygon` or `MultiPolygon`
//! (or a `Feature` holding one) and is checked by the domain's `Boundary`.

use crate::domain::geo::Boundary;
use crate::domain::Invalid;
use geo::{MultiPolygon, Polygon};

/// Reads a boundary given by a user from GeoJSON: every ring as written closed (its first
/// position repeated last) with at least four positions, and the shape valid
/// (`Boundary::valid`: no self-intersection, holes inside). Returns it with the GeoJSON geometry
/// to store.
pub fn boundary_from_value(value: &serde_json::Value) -> Result<(Boundary, String), Invalid> {
    let geometry = geometry_of(value)?;
    check_rings(&geometry.value)?;
    let boundary = Boundary::valid(shape_of(&geometry)?)?;
    Ok((boundary, geometry.to_string()))
}

/// The GeoJSON geometry in a value: a geometry, or a feature holding one.
fn geometry_of(value: &serde_json::Value) -> Result<geojson::Geometry, Invalid> {
    let gj = geojson::GeoJson::from_json_value(value.clone())
        .map_err(|e| Invalid::new(FIELD, format!("not GeoJSON: {e}")))?;
    match gj {
        geojson::GeoJson::Geometry(g) => Ok(g),
        geojson::GeoJson::Feature(f) => f
            .geometry
            .ok_or_else(|| Invalid::new(FIELD, "the feature has no geometry")),
        geojson::GeoJson::FeatureCollection(_) => Err(Invalid::new(
            FIELD,
            "give one Polygon or MultiPolygon, not a FeatureCollection",
        )),
    }
}

/// The polygons of a geometry (converting closes open rings, hence `check_rings` before).
fn shape_of(geometry: &geojson::Geometry) -> Result<MultiPolygon<f64>, Invalid> {
    match geo::Geometry::<f64>::try_from(geometry.clone()) {
        Ok(geo::Geometry::Polygon(p)) => Ok(MultiPolygon(vec![p])),
        Ok(geo::Geometry::MultiPolygon(m)) => Ok(m),
        Ok(_) => Err(Invalid::new(FIELD, "must be a Polygon or a MultiPolygon")),
        Err(e) => Err(Invalid::new(FIELD, format!("not a usable geometry: {e}"))),
    }
}

const FIELD: &str = "boundary";

/// GeoJSON (RFC 7946, 3.1.6) rings as written: closed, at least four positions each.
fn check_rings(value: &geojson::Value) -> Result<(), Invalid> {
    let polygons: Vec<&geojson::PolygonType> = match value {
        geojson::Value::Polygon(p) => vec![p],
        geojson::Value::MultiPolygon(m) => m.iter().collect(),
        _ => return Ok(()),
    };
    let many = polygons.len() > 1;
    for (pi, rings) in polygons.into_iter().enumerate() {
        if rings.is_empty() {
            return Err(Invalid::new(FIELD, "a polygon needs an outer ring"));
        }
        for (ri, ring) in rings.iter().enumerate() {
            let name = match (many, ri) {
                (false, 0) => "the outer ring".to_string(),
                (false, h) => format!("hole {h}"),
                (true, 0) => format!("the outer ring of polygon {pi}"),
                (true, h) => format!("hole {h} of polygon {pi}"),
            };
            if ring.len() < 4 {
                return Err(Invalid::new(
                    FIELD,
                    format!(
                        "{name} has {} positions; a ring needs at least four (the first repeated last)",
                        ring.len()
                    ),
                ));
            }
            if ring.first() != ring.last() {
                return Err(Invalid::new(
                    FIELD,
                    format!("{name} is not closed: its last position must repeat its first"),
                ));
            }
        }
    }
    Ok(())
}

/// Reads a stored boundary (checked when it was saved).
pub fn parse_boundary(text: &str) -> Result<Boundary, Invalid> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Invalid::new(FIELD, format!("not JSON: {e}")))?;
    Boundary::new(shape_of(&geometry_of(&value)?)?)
}

/// A boundary as a GeoJSON geometry value.
pub fn boundary_to_value(b: &Boundary) -> serde_json::Value {
    let polys: Vec<Polygon<f64>> = b.shape().0.clone();
    let g = if polys.len() == 1 {
        geojson::Geometry::from(&polys[0])
    } else {
        geojson::Geometry::from(&MultiPolygon(polys))
    };
    serde_json::to_value(g).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polygons_and_features_are_read() {
        let poly = serde_json::json!({"type": "Polygon", "coordinates": [[[120.0, 30.0], [121.0, 30.0], [121.0, 31.0], [120.0, 30.0]]]});
        let (b, text) = boundary_from_value(&poly).unwrap();
        assert_eq!(b.bbox().max_lat, 31.0);
        assert!(parse_boundary(&text).is_ok());
        let feature = serde_json::json!({"type": "Feature", "properties": {}, "geometry": poly});
        assert!(boundary_from_value(&feature).is_ok());
        assert_eq!(boundary_to_value(&b)["type"], "Polygon");
    }

    fn refused(coordinates: serde_json::Value) -> Invalid {
        boundary_from_value(&serde_json::json!({"type": "Polygon", "coordinates": coordinates})).unwrap_err()
    }

    #[test]
    fn rings_must_be_closed_and_hold_four_positions() {
        let open = refused(serde_json::json!([[
            [120.0, 30.0],
            [121.0, 30.0],
            [121.0, 31.0],
            [120.0, 31.0]
        ]]));
        assert_eq!(open.field, "boundary");
        assert!(open.reason.contains("not closed"), "{}", open.reason);
        let three = refused(serde_json::json!([[[120.0, 30.0], [121.0, 30.0], [121.0, 31.0]]]));
        assert!(three.reason.contains("3 positions"), "{}", three.reason);
        let hole = refused(serde_json::json!([
            [
                [120.0, 30.0],
                [122.0, 30.0],
                [122.0, 32.0],
                [120.0, 32.0],
                [120.0, 30.0]
            ],
            [[120.5, 30.5], [121.0, 30.5], [121.0, 31.0]]
        ]));
        assert!(hole.reason.starts_with("hole 1"), "{}", hole.reason);
        let multi = boundary_from_value(&serde_json::json!({"type": "MultiPolygon", "coordinates": [
            [[[120.0, 30.0], [121.0, 30.0], [121.0, 31.0], [120.0, 30.0]]],
            [[[125.0, 30.0], [126.0, 30.0], [126.0, 31.0]]]
        ]}))
        .unwrap_err();
        assert!(multi.reason.contains("polygon 1"), "{}", multi.reason);
    }

    #[test]
    fn a_ring_that_crosses_itself_is_refused() {
        // A bow-tie: the edges (120,30)-(121,31) and (121,30)-(120,31) cross.
        let bow_tie = refused(serde_json::json!([[
            [120.0, 30.0],
            [121.0, 31.0],
            [121.0, 30.0],
            [120.0, 31.0],
            [120.0, 30.0]
        ]]));
        assert_eq!(bow_tie.field, "boundary");
        assert!(bow_tie.reason.contains("self-intersection"), "{}", bow_tie.reason);
        let hole_outside = refused(serde_json::json!([
            [
                [120.0, 30.0],
                [121.0, 30.0],
                [121.0, 31.0],
                [120.0, 31.0],
                [120.0, 30.0]
            ],
            [[125.0, 30.0], [126.0, 30.0], [126.0, 31.0], [125.0, 30.0]]
        ]));
        assert!(hole_outside.reason.contains("not contained"), "{}", hole_outside.reason);
        let overlapping = boundary_from_value(&serde_json::json!({"type": "MultiPolygon", "coordinates": [
            [[[120.0, 30.0], [121.0, 30.0], [121.0, 31.0], [120.0, 31.0], [120.0, 30.0]]],
            [[[120.5, 30.5], [121.5, 30.5], [121.5, 31.5], [120.5, 31.5], [120.5, 30.5]]]
        ]}))
        .unwrap_err();
        assert!(overlapping.reason.contains("overlap"), "{}", overlapping.reason);
    }

    #[test]
    fn other_shapes_are_refused_naming_the_field() {
        let point = serde_json::json!({"type": "Point", "coordinates": [120.0, 30.0]});
        assert_eq!(boundary_from_value(&point).unwrap_err().field, "boundary");
        assert!(boundary_from_value(&serde_json::json!({"type": "Polygon"})).is_err());
        assert!(boundary_from_value(&serde_json::json!("x")).is_err());
    }
}
