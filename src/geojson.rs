//! GeoJSON in and out: a region's boundary arrives as a GeoJSON `Polygon` or `MultiPolygon`
//! (or a `Feature` holding one) and is checked by the domain's `Boundary`.

use crate::domain::geo::Boundary;
use crate::domain::Invalid;
use geo::{MultiPolygon, Polygon};

/// Reads a boundary from GeoJSON; returns it with the normalised GeoJSON geometry to store.
pub fn boundary_from_value(value: &serde_json::Value) -> Result<(Boundary, String), Invalid> {
    const FIELD: &str = "boundary";
    let gj = geojson::GeoJson::from_json_value(value.clone())
        .map_err(|e| Invalid::new(FIELD, format!("not GeoJSON: {e}")))?;
    let geometry = match gj {
        geojson::GeoJson::Geometry(g) => g,
        geojson::GeoJson::Feature(f) => f
            .geometry
            .ok_or_else(|| Invalid::new(FIELD, "the feature has no geometry"))?,
        geojson::GeoJson::FeatureCollection(_) => {
            return Err(Invalid::new(
                FIELD,
                "give one Polygon or MultiPolygon, not a FeatureCollection",
            ))
        }
    };
    let shape: MultiPolygon<f64> = match geo::Geometry::<f64>::try_from(geometry.clone()) {
        Ok(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
        Ok(geo::Geometry::MultiPolygon(m)) => m,
        Ok(_) => return Err(Invalid::new(FIELD, "must be a Polygon or a MultiPolygon")),
        Err(e) => return Err(Invalid::new(FIELD, format!("not a usable geometry: {e}"))),
    };
    let boundary = Boundary::new(shape)?;
    Ok((boundary, geometry.to_string()))
}

/// Reads a stored boundary.
pub fn parse_boundary(text: &str) -> Result<Boundary, Invalid> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Invalid::new("boundary", format!("not JSON: {e}")))?;
    boundary_from_value(&value).map(|(b, _)| b)
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

    #[test]
    fn other_shapes_are_refused_naming_the_field() {
        let point = serde_json::json!({"type": "Point", "coordinates": [120.0, 30.0]});
        assert_eq!(boundary_from_value(&point).unwrap_err().field, "boundary");
        assert!(boundary_from_value(&serde_json::json!({"type": "Polygon"})).is_err());
        assert!(boundary_from_value(&serde_json::json!("x")).is_err());
    }
}
