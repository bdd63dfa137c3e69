//! The vocabulary of the API contract model: for every field of every entity the sync touches,
//! its JSON type, nullability, read-only and required-on-create flags, and value format.
//! Each system lists its entities in its own `contract.rs`; the fakes validate requests against
//! those lists, so the fakes and the checks cannot disagree about a field.

use serde_json::Value;

use crate::domain::System;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonType {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
}

impl JsonType {
    pub const ALL: [JsonType; 6] =
        [JsonType::String, JsonType::Integer, JsonType::Number, JsonType::Boolean, JsonType::Object, JsonType::Array];

    /// The type a spec or a feature names: "string", "integer", ….
    pub fn from_name(name: &str) -> Option<JsonType> {
        Self::ALL.into_iter().find(|ty| ty.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::Boolean => "boolean",
            JsonType::Object => "object",
            JsonType::Array => "array",
        }
    }

    pub fn matches(self, value: &Value) -> bool {
        match self {
            JsonType::String => value.is_string(),
            JsonType::Integer => value.is_i64() || value.is_u64(),
            JsonType::Number => value.is_number(),
            JsonType::Boolean => value.is_boolean(),
            JsonType::Object => value.is_object(),
            JsonType::Array => value.is_array(),
        }
    }
}

/// The JSON type name of a value, as error messages and type checks print it.
pub fn json_type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// What a value must look like beyond its JSON type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Free,
    Email,
    /// Zendesk timestamps: `2021-11-15T23:20:11Z`, UTC, no fraction.
    DateTimeUtc,
    /// PowerOffice Go timestamps: ISO 8601 with an offset, `2021-09-30T08:03:00.123456+00:00`.
    DateTimeOffset,
    Url,
    /// ISO 3166-1 alpha-2. PowerOffice Go documents the check, so lint relies on it; the fake
    /// does not enforce it, because the references do not give the exact error.
    CountryCode,
    OneOf(&'static [&'static str]),
}

impl Format {
    /// Whether the fakes of `system` refuse a value that breaks this format. Only rules the
    /// references document are enforced: enum values on both sides, and email addresses in
    /// Zendesk. The rest (URLs, country codes, PowerOffice Go's unpublished email typo check)
    /// are recorded here for lint and the type checks, not enforced.
    pub fn enforced_by_fakes(self, system: System) -> bool {
        match self {
            Format::OneOf(_) => true,
            Format::Email => system == System::Zendesk,
            Format::Free | Format::DateTimeUtc | Format::DateTimeOffset | Format::Url | Format::CountryCode => false,
        }
    }
}

/// What a value stands for, where two fields of the same JSON type and format can still mean
/// different things. Lint compares meanings across a mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meaning {
    Unspecified,
    /// The record's own address in the API (Zendesk `url`), not a web page of the customer.
    ApiUrl,
    /// A web site of the party the record describes.
    Website,
    /// A person's whole name, which FirstName and LastName can be derived from.
    PersonName,
    PersonFirstName,
    PersonLastName,
}

#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: JsonType,
    pub nullable: bool,
    pub read_only: bool,
    pub required_on_create: bool,
    pub format: Format,
    pub meaning: Meaning,
}

impl Field {
    /// A writable, nullable, optional field with no format rule: the most common case.
    pub const fn new(name: &'static str, ty: JsonType) -> Self {
        Self {
            name,
            ty,
            nullable: true,
            read_only: false,
            required_on_create: false,
            format: Format::Free,
            meaning: Meaning::Unspecified,
        }
    }

    pub const fn meaning(mut self, meaning: Meaning) -> Self {
        self.meaning = meaning;
        self
    }

    pub const fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    pub const fn required(mut self) -> Self {
        self.required_on_create = true;
        self
    }

    pub const fn not_null(mut self) -> Self {
        self.nullable = false;
        self
    }

    pub const fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// Why `value` does not fit this field's JSON type, if it does not.
    pub fn type_mismatch(&self, value: &Value) -> Option<String> {
        if value.is_null() {
            return (!self.nullable).then(|| format!("{} must not be null", self.name));
        }
        if self.ty.matches(value) {
            return None;
        }
        Some(format!("{} must be a JSON {}, got {} {}", self.name, self.ty.name(), json_type_of(value), value))
    }
}

impl Field {
    /// Why `value` breaks this field's format, when the fakes of `system` enforce it.
    pub fn enforced_format_violation(&self, system: System, value: &Value) -> Option<String> {
        let text = value.as_str()?;
        if !self.format.enforced_by_fakes(system) {
            return None;
        }
        match self.format {
            Format::OneOf(allowed) if !allowed.contains(&text) => Some(format!(
                "Enum '{}' with value = {text} is not valid; expected one of {}.",
                self.name,
                allowed.join(", ")
            )),
            Format::Email => crate::domain::Email::parse(text).err().map(|e| format!("{}: {e}", self.name)),
            _ => None,
        }
    }
}

/// How a dataflow document's record type ("Customers person") maps onto an entity of the API.
#[derive(Debug)]
pub struct SpecEntity {
    pub entity: &'static Entity,
    /// Fields required when this variant is created, beyond the entity's own required fields
    /// (a person customer needs FirstName and LastName).
    pub also_required: &'static [&'static str],
}

/// Spec property names the wire API spells differently (PowerOffice Go v1 names and the like).
pub type Aliases = &'static [(&'static str, &'static str)];

/// One entity of one API, with every field the project knows of.
#[derive(Debug)]
pub struct Entity {
    pub system: System,
    pub name: &'static str,
    pub fields: &'static [Field],
}

impl Entity {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// ASP.NET matches property names without regard to case; so does the PowerOffice Go fake.
    pub fn field_ignoring_case(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// A record with every field present and null, which the fakes then fill in.
    pub fn blank_record(&self) -> serde_json::Map<String, Value> {
        self.fields.iter().map(|f| (f.name.to_owned(), Value::Null)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NAME: Field = Field::new("Name", JsonType::String);
    const ID: Field = Field::new("Id", JsonType::Integer).not_null().read_only();

    #[test]
    fn only_documented_formats_are_enforced() {
        const ROLE: Field = Field::new("role", JsonType::String).format(Format::OneOf(&["agent", "admin"]));
        const EMAIL: Field = Field::new("EmailAddress", JsonType::String).format(Format::Email);
        const COUNTRY: Field = Field::new("CountryCode", JsonType::String).format(Format::CountryCode);
        assert!(ROLE.enforced_format_violation(System::PowerOffice, &json!("owner")).unwrap().contains("agent, admin"));
        assert_eq!(ROLE.enforced_format_violation(System::PowerOffice, &json!("agent")), None);
        assert!(EMAIL.enforced_format_violation(System::Zendesk, &json!("badmail")).is_some());
        assert_eq!(EMAIL.enforced_format_violation(System::PowerOffice, &json!("badmail")), None);
        assert_eq!(COUNTRY.enforced_format_violation(System::PowerOffice, &json!("agent")), None);
    }

    #[test]
    fn type_mismatch_names_field_expected_and_actual_type() {
        assert_eq!(NAME.type_mismatch(&json!("Acme")), None);
        assert_eq!(NAME.type_mismatch(&Value::Null), None);
        assert_eq!(NAME.type_mismatch(&json!(42)).unwrap(), "Name must be a JSON string, got integer 42");
        assert_eq!(ID.type_mismatch(&Value::Null).unwrap(), "Id must not be null");
        assert_eq!(ID.type_mismatch(&json!(1.5)).unwrap(), "Id must be a JSON integer, got number 1.5");
    }
}
