//! The JSON Schema (draft 2020-12) of a profile for one guide, from its vocabulary: each fact's
//! type, range, declared values or pattern, and description. `null` is allowed for every fact: it
//! means "not known".

use serde_json::{Map, Value, json};

use crate::model::guide::Guide;
use crate::model::vocabulary::FactType;

impl Guide {
    /// The JSON Schema of a profile for this guide (and its overlay's local facts): an object
    /// whose keys are the vocabulary's facts, each with its type, range, declared values or
    /// pattern, and description; any other key is refused. A form, an editor or a service can
    /// check a profile with it before sending it.
    ///
    /// ```
    /// let guide = practice_guide::parenting_through_adversity();
    /// let schema = guide.profile_schema();
    /// assert_eq!(schema["additionalProperties"], false);
    /// assert!(schema["properties"]["service_level"]["enum"].as_array().unwrap().len() > 2);
    /// ```
    pub fn profile_schema(&self) -> Value {
        let mut properties = Map::new();
        for fact in self.facts() {
            let mut schema = match fact.fact_type() {
                FactType::Boolean => json!({ "type": ["boolean", "null"] }),
                FactType::Integer { min, max } => {
                    json!({ "type": ["integer", "null"], "minimum": min, "maximum": max })
                }
                FactType::OneOf(values) => {
                    let mut names: Vec<Value> = values.names().map(Value::from).collect();
                    names.push(Value::Null);
                    json!({ "enum": names })
                }
                FactType::SetOf(values) => json!({
                    "type": ["array", "null"],
                    "items": { "enum": values.names().collect::<Vec<_>>() },
                    "uniqueItems": true,
                }),
                FactType::Text { pattern } => match pattern {
                    Some(p) => json!({ "type": ["string", "null"], "pattern": p.as_str() }),
                    None => json!({ "type": ["string", "null"] }),
                },
            };
            if let Value::Object(map) = &mut schema {
                map.insert("description".to_owned(), Value::from(fact.description()));
                if let Some(unit) = fact.unit() {
                    map.insert("x-unit".to_owned(), Value::from(unit));
                }
                if fact.is_local() {
                    map.insert("x-local".to_owned(), Value::Bool(true));
                }
            }
            properties.insert(fact.name().to_owned(), schema);
        }
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": format!("A family's profile for {}", self.title()),
            "description": "What is known about a family, fact by fact. A fact left out, or \
                given as null, is not known: never read as false.",
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        })
    }
}
