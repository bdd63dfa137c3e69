Feature: Zendesk Organizations and PowerOffice Go Customers person
  Spec section "Zendesk Organizations to PowerOfficeGo Customers person".
  R2: a new PowerOffice Go "Customers person" is created from a Zendesk organization once the
  organization is connected to a user that is synchronised into PowerOffice Go. The section's
  mapping table is empty. A person customer (IsPerson true) needs FirstName and LastName, and
  an organization has neither, so this project reads R2 as a generator artefact: no person
  customer is ever created, the organization gets a company customer (R3), and every run
  reports R2 as a conflict. The literal reading is kept as a known conflict.

  Background:
    Given the Zendesk organization "Acme AS"
    And the PowerOffice Go customers:
      | Name              | IsPerson |
      | Ledger Holding AS | false    |
    And the Zendesk user "Kari Nordmann" with email "kari@acme.no" in the organization "Acme AS"
    And the contact persons of the customer "Ledger Holding AS":
      | FirstName | LastName | EmailAddress |
      | Kari      | Nordmann | kari@acme.no |

  @R2 @interpretation @reference-only
  Scenario: An organization with a synced user gets a company customer only, and R2 is reported as a conflict
    Spec section "Zendesk Organizations to PowerOfficeGo Customers person" asks for a person
    customer, which needs FirstName and LastName; an organization has neither.
    When the sync runs
    Then PowerOffice Go has no person customer
    And the last sync reported the R2 conflict for the Zendesk organization "Acme AS"

  @R2 @known-conflict @conflict:customers-person-missing-required
  Scenario: The spec, literally - an organization with a synced user gets a person customer
    When the sync runs
    Then PowerOffice Go has a person customer for the Zendesk organization "Acme AS"
