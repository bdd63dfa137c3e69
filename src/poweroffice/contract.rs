//! The PowerOffice Go v2 side of the API contract model (../shared/reference/pog-api.md §3).
//! Names are the PascalCase wire names. "Required" marks what the API documents as required on
//! POST; Customers need `Name` for a company and `FirstName`/`LastName` for a person, a rule
//! that depends on `IsPerson` and so lives in the fake, not in a flag.

use crate::contract::{Aliases, Entity, Field, Format, JsonType::*, Meaning, SpecEntity};
use crate::domain::System;

const DATE_TIME: Format = Format::DateTimeOffset;

pub const INVOICE_DELIVERY_TYPES: &[&str] =
    &["PdfByEmail", "Print", "EHF", "AvtaleGiro", "External", "Efaktura", "Factoring"];
pub const REMINDER_DELIVERY_TYPES: &[&str] = &["PdfByEmail", "Print"];

/// `AddressDto`, the `MailAddress` of a contact person.
pub static ADDRESS: Entity = Entity {
    system: System::PowerOffice,
    name: "AddressDto",
    fields: &[
        Field::new("AddressLine1", String),
        Field::new("AddressLine2", String),
        Field::new("City", String),
        Field::new("CountryCode", String).format(Format::CountryCode),
        Field::new("ZipCode", String),
    ],
};

pub static CONTACT_PERSON: Entity = Entity {
    system: System::PowerOffice,
    name: "ContactPerson",
    fields: &[
        Field::new("ContactId", Integer).not_null().read_only(),
        Field::new("CreatedDateTimeOffset", String).not_null().read_only().format(DATE_TIME),
        Field::new("EmailAddress", String).format(Format::Email),
        Field::new("ExternalCode", String),
        Field::new("FirstName", String).required().meaning(Meaning::PersonFirstName),
        Field::new("Id", Integer).not_null().read_only(),
        Field::new("IsActive", Boolean),
        Field::new("IsDefault", Boolean),
        Field::new("LastChangedDateTimeOffset", String).not_null().read_only().format(DATE_TIME),
        Field::new("LastName", String).required().meaning(Meaning::PersonLastName),
        Field::new("MailAddress", Object).not_null(),
        Field::new("PhoneNumber", String),
        Field::new("Title", String),
    ],
};

pub static CUSTOMER: Entity = Entity {
    system: System::PowerOffice,
    name: "Customer",
    fields: &[
        Field::new("Allowance", Number),
        Field::new("BillableRate", Number),
        Field::new("ContactCreatedDateTimeOffset", String).not_null().read_only().format(DATE_TIME),
        Field::new("ContactGroupIds", Array),
        Field::new("CreatedFromImportJournalId", String).read_only(),
        Field::new("CurrencyCode", String),
        Field::new("CustomerCreatedDateTimeOffset", String).not_null().read_only().format(DATE_TIME),
        Field::new("CustomerSince", String),
        Field::new("DateOfBirth", String),
        Field::new("DeliveryTerm", String).read_only(),
        Field::new("DeliveryTermId", Integer),
        Field::new("DepartmentCode", String).read_only(),
        Field::new("DepartmentId", Integer),
        Field::new("DoNotAddLatePaymentFees", Boolean),
        Field::new("DoNotAddLatePaymentInterest", Boolean),
        Field::new("DoNotAutomatePaymentNotifications", Boolean),
        Field::new("EmailAddress", String).format(Format::Email),
        Field::new("ExternalImportReference", String),
        Field::new("ExternalNumber", Integer),
        Field::new("FirstName", String),
        Field::new("Id", Integer).not_null().read_only(),
        Field::new("InvoiceBrandingThemeCode", String).read_only(),
        Field::new("InvoiceBrandingThemeId", Integer),
        Field::new("InvoiceDeliveryType", String).not_null().format(Format::OneOf(INVOICE_DELIVERY_TYPES)),
        Field::new("InvoiceEmailAddress", String),
        Field::new("InvoiceEmailAddressCC", String),
        Field::new("IsActive", Boolean).read_only(),
        Field::new("IsArchived", Boolean),
        Field::new("IsPerson", Boolean),
        Field::new("IsVatFree", Boolean),
        Field::new("LastChangedDateTimeOffset", String).not_null().read_only().format(DATE_TIME),
        Field::new("LastName", String),
        Field::new("LegalName", String),
        Field::new("MailAddress", Object).not_null(),
        Field::new("Name", String),
        Field::new("NationalIdNumber", String),
        Field::new("NoticeOfDebtCollectionDeliveryType", String)
            .not_null()
            .format(Format::OneOf(REMINDER_DELIVERY_TYPES)),
        Field::new("Number", Integer),
        Field::new("OrganizationNumber", String),
        Field::new("PaymentReminderEmailAddress", String),
        Field::new("PaymentTerm", Integer).read_only(),
        Field::new("PaymentTermId", Integer),
        Field::new("PhoneNumber", String),
        Field::new("ReminderDeliveryType", String).not_null().format(Format::OneOf(REMINDER_DELIVERY_TYPES)),
        Field::new("SalesPersonEmployeeId", Integer),
        Field::new("SalesPersonEmployeeNumber", Integer).read_only(),
        Field::new("SendPaymentReminders", Boolean),
        Field::new("SubledgerAccountId", Integer).not_null().read_only(),
        Field::new("TransferToDebtCollectionAgency", Boolean),
        Field::new("UseInvoiceFee", Boolean),
        Field::new("WebsiteUrl", String).format(Format::Url).meaning(Meaning::Website),
    ],
};

/// `ContactAddressDto`, the `MailAddress` of customers and employees.
pub static CONTACT_ADDRESS: Entity = Entity {
    system: System::PowerOffice,
    name: "ContactAddressDto",
    fields: &[
        Field::new("AddressLine1", String),
        Field::new("AddressLine2", String),
        Field::new("City", String),
        Field::new("CountryCode", String).format(Format::CountryCode),
        Field::new("ExternalCode", String),
        Field::new("Id", Integer).not_null().read_only(),
        Field::new("LastChangedDateTimeOffset", String).not_null().read_only().format(DATE_TIME),
        Field::new("ZipCode", String),
    ],
};

pub const GENDERS: &[&str] = &["Male", "Female", "Hidden"];
pub const INTERNATIONAL_ID_TYPES: &[&str] =
    &["PassportNumber", "NationalIdentityNumber", "TaxIdentificationNumber", "ValueAddedTaxIdentificationNumber"];

pub static EMPLOYEE: Entity = Entity {
    system: System::PowerOffice,
    name: "Employee",
    fields: &[
        Field::new("ContactCreatedDateTimeOffset", String).not_null().read_only().format(DATE_TIME),
        Field::new("ContactGroupIds", Array),
        Field::new("CreatedFromImportJournalId", String).read_only(),
        Field::new("DateOfBirth", String),
        Field::new("DepartmentCode", String).read_only(),
        Field::new("DepartmentId", Integer),
        Field::new("EmailAddress", String).format(Format::Email),
        Field::new("EmployeeCreatedDateTimeOffset", String).not_null().read_only().format(DATE_TIME),
        Field::new("EndDate", String),
        Field::new("ExpenseBankAccountId", Integer).read_only(),
        Field::new("ExternalImportReference", String),
        Field::new("ExternalNumber", Integer),
        Field::new("FirstName", String).required().meaning(Meaning::PersonFirstName),
        Field::new("Gender", String).format(Format::OneOf(GENDERS)),
        Field::new("HiredDate", String),
        Field::new("Id", Integer).not_null().read_only(),
        Field::new("InternationalIdCountryCode", String).format(Format::CountryCode),
        Field::new("InternationalIdNumber", String),
        Field::new("InternationalIdReportToAltinn", Boolean),
        Field::new("InternationalIdType", String).format(Format::OneOf(INTERNATIONAL_ID_TYPES)),
        Field::new("IsArchived", Boolean),
        Field::new("JobTitle", String),
        Field::new("LastChangedDateTimeOffset", String).not_null().read_only().format(DATE_TIME),
        Field::new("LastName", String).required().meaning(Meaning::PersonLastName),
        Field::new("LocationCode", String).read_only(),
        Field::new("LocationId", Integer),
        Field::new("MailAddress", Object).not_null(),
        Field::new("ManagerEmployeeId", Integer),
        Field::new("ManagerEmployeeNo", Integer).read_only(),
        Field::new("NationalIdNumber", String),
        Field::new("Number", Integer),
        Field::new("PhoneNumber", String),
        Field::new("SalaryBankAccountId", Integer).read_only(),
        Field::new("StartDate", String),
        Field::new("SubledgerAccountId", Integer).not_null().read_only(),
        Field::new("TravelExpenseBankAccountId", Integer).read_only(),
    ],
};

pub static DEPARTMENT: Entity = Entity {
    system: System::PowerOffice,
    name: "Department",
    fields: &[
        Field::new("Code", String),
        Field::new("CreatedDateTimeOffset", String).not_null().read_only().format(DATE_TIME),
        Field::new("CreatedFromImportJournalId", String).read_only(),
        Field::new("Id", Integer).not_null().read_only(),
        Field::new("IsActive", Boolean),
        Field::new("LastChangedDateTimeOffset", String).not_null().read_only().format(DATE_TIME),
        Field::new("ManagerEmployeeId", Integer),
        Field::new("ManagerEmployeeNo", Integer).read_only(),
        Field::new("Name", String).required(),
    ],
};

/// The entity a dataflow document means by a PowerOffice Go record type. The spec's
/// "Customers person" is a Customer with `IsPerson: true`, which needs a person's names.
pub fn spec_entity(name: &str) -> Option<SpecEntity> {
    let folded: std::string::String = name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let (entity, also_required): (&'static Entity, &'static [&'static str]) = match folded.as_str() {
        "contactperson" | "contactpersons" | "contact person" | "contact persons" => (&CONTACT_PERSON, &[]),
        "customers" | "customer" => (&CUSTOMER, &["Name"]),
        "customers person" | "customer person" => (&CUSTOMER, &["FirstName", "LastName"]),
        "employees" | "employee" => (&EMPLOYEE, &[]),
        "departments" | "department" => (&DEPARTMENT, &[]),
        _ => return None,
    };
    Some(SpecEntity { entity, also_required })
}

/// v1 property names the spec uses whose v2 wire name is not the same word in another case.
pub const V1_ALIASES: Aliases = &[("partyId", "ContactId")];

/// The entity of an object-valued field: a contact person's `MailAddress` is an `AddressDto`,
/// the others' a `ContactAddressDto`.
pub fn nested_entity(parent: &Entity, field: &str) -> Option<&'static Entity> {
    match field {
        "MailAddress" if parent.name == CONTACT_PERSON.name => Some(&ADDRESS),
        "MailAddress" | "StreetAddress" => Some(&CONTACT_ADDRESS),
        _ => None,
    }
}
