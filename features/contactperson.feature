Feature: Zendesk Users and PowerOffice Go Contactperson
  Spec section "Zendesk Users to PowerOfficeGo Contactperson".
  R1: a Zendesk user merges with a PowerOffice Go contact person when `email` matches
  `emailAddress` (EmailAddress on the v2 wire). M1: once linked, Users.email is synchronised
  to Contactperson.EmailAddress, data type "string".

  Background:
    Given the PowerOffice Go customer "Acme AS"

  Rule: R1 - a Zendesk user links to every contact person whose email matches its own

    @R1 @smoke @reference-only
    Scenario: A matching email links the user to the contact person
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no"
      And the contact person "Kari Nordmann" at "Acme AS" with email "kari@acme.no"
      When the sync runs
      Then the Zendesk user "Kari Nordmann" is linked to the contact person "Kari Nordmann" at "Acme AS"

    @R1 @reference-only
    Scenario: A different email does not link
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no"
      And the contact person "Ola Nordmann" at "Acme AS" with email "ola@acme.no"
      When the sync runs
      Then the Zendesk user "Kari Nordmann" is linked to no contact person
      And the contact person "Ola Nordmann" at "Acme AS" is linked to no Zendesk user

    @R1 @interpretation @reference-only
    Scenario Outline: Emails that differ only in letter case still link
      Given the Zendesk user "Kari Nordmann" with email "<Zendesk email>"
      And the contact person "Kari Nordmann" at "Acme AS" with email "<PowerOffice Go EmailAddress>"
      When the sync runs
      Then the Zendesk user "Kari Nordmann" is linked to the contact person "Kari Nordmann" at "Acme AS"

      Examples:
        | Zendesk email | PowerOffice Go EmailAddress |
        | kari@acme.no  | KARI@ACME.NO                |
        | Kari@Acme.no  | kari@acme.no                |
        | kari@acme.no  | Kari@aCmE.No                |

    @R1 @interpretation
    Scenario: An email with surrounding whitespace still links
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no"
      And the contact person "Kari Nordmann" at "Acme AS" with email "   kari@acme.no  "
      When the sync runs
      Then the contact person "Kari Nordmann" at "Acme AS" has the EmailAddress "kari@acme.no"

    @R1 @reference-only
    Scenario: An empty email never links, not even to another empty email
      Given the Zendesk user "Nora Blank" without an email
      And the contact person "Nora Blank" at "Acme AS" without an email
      And the contact person "Nils Blank" at "Acme AS" with email ""
      And the contact person "Nina Blank" at "Acme AS" with email "   "
      When the sync runs
      Then the Zendesk user "Nora Blank" is linked to no contact person
      And the contact person "Nora Blank" at "Acme AS" is linked to no Zendesk user
      And the contact person "Nils Blank" at "Acme AS" is linked to no Zendesk user
      And the contact person "Nina Blank" at "Acme AS" is linked to no Zendesk user

    @R1 @interpretation @reference-only
    Scenario: One user links to the contact persons with its email at every customer
      Given the PowerOffice Go customers:
        | Name          | IsPerson | WebsiteUrl           |
        | Fjord Fisk AS | false    | https://fjordfisk.no |
      And the contact persons of the customer "Acme AS":
        | FirstName | LastName | EmailAddress |
        | Kari      | Nordmann | kari@acme.no |
        | Ola       | Nordmann | ola@acme.no  |
      And the contact persons of the customer "Fjord Fisk AS":
        | FirstName | LastName | EmailAddress |
        | Kari      | Nordmann | KARI@acme.no |
      And the Zendesk user "Kari Nordmann" with email "kari@acme.no"
      When the sync runs
      Then the Zendesk user "Kari Nordmann" is linked to the contact person "Kari Nordmann" at "Acme AS"
      And the Zendesk user "Kari Nordmann" is linked to the contact person "Kari Nordmann" at "Fjord Fisk AS"
      And the contact person "Ola Nordmann" at "Acme AS" is linked to no Zendesk user

  Rule: M1 - once linked, Users.email is written to Contactperson.EmailAddress as a JSON string

    @M1 @smoke
    Scenario: A linked pair gets the Zendesk email mapped to EmailAddress
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no"
      And the contact person "Kari Nordmann" at "Acme AS" with email "  KARI@Acme.NO "
      When the sync runs
      Then the contact person "Kari Nordmann" at "Acme AS" has the EmailAddress "kari@acme.no"

    @M1 @reference-only @fakes-only
    Scenario: The mapped EmailAddress is a JSON string on the wire
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no"
      And the contact person "Kari Nordmann" at "Acme AS" with email "KARI@ACME.NO"
      When the sync runs
      Then every EmailAddress the sync wrote to PowerOffice Go was a JSON string
      And the EmailAddress of the contact person "Kari Nordmann" at "Acme AS" is a JSON string on the wire

    @M1 @reference-only
    Scenario: A pair already in sync is not written again
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no"
      And the contact person "Kari Nordmann" at "Acme AS" with email "KARI@ACME.NO"
      When the sync runs
      And the sync runs again
      Then the last sync wrote nothing to either system
      And the contact person "Kari Nordmann" at "Acme AS" has the EmailAddress "kari@acme.no"

  Rule: M2 - Users.organization_id maps to Contactperson.partyId (ContactId in v2), a translated reference

    @M2 @interpretation @reference-only
    Scenario: A contact person at another customer than its user's organization is reported, never moved
      The contact person's customer should be the customer of the user's organization. ContactId
      is read-only in v2 and nothing may be deleted, so the mismatch is reported and left alone.
      Given the Zendesk organization "Nordlys AS"
      And the Zendesk user "Kari Nordmann" with email "kari@acme.no" in the organization "Nordlys AS"
      And the contact person "Kari Nordmann" at "Acme AS" with email "kari@acme.no"
      When the sync runs
      And the sync runs again
      Then the last sync reported the M2 conflict for the contact person "Kari Nordmann" at "Acme AS"
      And the contact person "Kari Nordmann" at "Acme AS" still belongs to the customer "Acme AS"
      And the last sync wrote nothing to either system

    @M2 @known-conflict @conflict:contact-id-read-only
    Scenario: The spec, literally - the contact person follows its user's organization to that organization's customer
      ContactId is read-only in v2: a contact person cannot move to another customer.
      Given the Zendesk organization "Nordlys AS"
      And the Zendesk user "Kari Nordmann" with email "kari@acme.no" in the organization "Nordlys AS"
      And the contact person "Kari Nordmann" at "Acme AS" with email "kari@acme.no"
      When the sync runs
      And the sync runs again
      Then the contact person "Kari Nordmann" at "Acme AS" belongs to the customer for the Zendesk organization "Nordlys AS"

    @M2 @interpretation
    Scenario: A user without an organization takes the organization its contact person's customer stands for
      Given the Zendesk organization "Nordlys AS"
      And the Zendesk user "Ola Nordmann" with email "ola@nordlys.no" in the organization "Nordlys AS"
      And the contact person "Ola Nordmann" at "Acme AS" with email "ola@nordlys.no"
      And the Zendesk user "Kari Nordmann" with email "kari@nordlys.no"
      And the sync has run
      And the contact person "Kari Nordmann" at the customer for the Zendesk organization "Nordlys AS" with email "kari@nordlys.no"
      When the sync runs again
      Then the Zendesk user "Kari Nordmann" belongs to the organization "Nordlys AS"

    @M1 @M2
    Scenario: Every mapped Contactperson field has the spec's data type on the wire
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no"
      And the contact person "Kari Nordmann" at "Acme AS" with email "kari@acme.no"
      When the sync runs
      Then the contact person "Kari Nordmann" at "Acme AS" has these types on the wire:
        | property     | type    |
        | EmailAddress | string  |
        | ContactId    | integer |

    @M2
    Scenario: ContactId is a JSON integer on the wire
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no"
      And the contact person "Kari Nordmann" at "Acme AS" with email "kari@acme.no"
      When the sync runs
      Then the ContactId of the contact person "Kari Nordmann" at "Acme AS" is a JSON integer on the wire
