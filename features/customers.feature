Feature: Zendesk Organizations and PowerOffice Go Customers
  Spec section "Zendesk Organizations to PowerOfficeGo Customers".
  R3: a new PowerOffice Go customer is created from a Zendesk organization once the
  organization is connected to a user that is synchronised into PowerOffice Go (here: a user
  linked to a contact person by R1). M3: name → Name, "string". M4: url → WebsiteUrl, "string".
  The customer is a company (IsPerson false) and carries the import reference
  zendesk-organization:<id>, so it is never created twice.

  Background:
    Given the Zendesk organization "Acme AS"
    And the PowerOffice Go customer "Ledger Holding AS"

  Rule: R3 - an organization gets one company customer once one of its users is synced

    @R3 @smoke
    Scenario: An organization whose user links to a contact person gets a company customer
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no" in the organization "Acme AS"
      And the contact person "Kari Nordmann" at "Ledger Holding AS" with email "kari@acme.no"
      When the sync runs
      Then PowerOffice Go has exactly one company customer named "Acme AS"
      And the Zendesk organization "Acme AS" is linked to a customer

    @R3
    Scenario: An organization without synced users is never created
      Given the Zendesk user "Ola Nordmann" with email "ola@acme.no" in the organization "Acme AS"
      When the sync runs
      Then PowerOffice Go has no customer named "Acme AS"

    @R3 @reference-only
    Scenario: The customer is created once, however often the sync runs
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no" in the organization "Acme AS"
      And the contact person "Kari Nordmann" at "Ledger Holding AS" with email "kari@acme.no"
      When the sync runs
      And the sync runs again
      Then PowerOffice Go has exactly one company customer named "Acme AS"
      And the last sync wrote nothing to either system

    @R3 @interpretation @reference-only
    Scenario: A customer left behind by an interrupted sync is found again, not duplicated
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no" in the organization "Acme AS"
      And the contact person "Kari Nordmann" at "Ledger Holding AS" with email "kari@acme.no"
      When the sync runs
      And the sync loses its link table
      And the sync runs again
      Then PowerOffice Go has exactly one company customer named "Acme AS"
      And the Zendesk organization "Acme AS" is linked to a customer

    @R3 @M2 @interpretation @reference-only
    Scenario: A user whose organization changes brings the new organization in, and the old customer stays
      The contact person keeps its customer: ContactId is read-only in v2, and nothing is
      deleted in PowerOffice Go. The mismatch is reported as M2's conflict.
      Given the Zendesk organization "Nordlys AS"
      And the Zendesk user "Kari Nordmann" with email "kari@acme.no" in the organization "Acme AS"
      And the contact person "Kari Nordmann" at "Ledger Holding AS" with email "kari@acme.no"
      And the sync has run
      When the Zendesk user "Kari Nordmann" moves to the organization "Nordlys AS"
      And the sync runs again
      Then PowerOffice Go has exactly one company customer named "Nordlys AS"
      And PowerOffice Go has exactly one company customer named "Acme AS"
      And the last sync deleted nothing in PowerOffice Go
      When the sync runs again
      Then the Zendesk user "Kari Nordmann" belongs to the organization "Nordlys AS"
      And the contact person "Kari Nordmann" at "Ledger Holding AS" still belongs to the customer "Ledger Holding AS"
      And the last sync reported the M2 conflict for the contact person "Kari Nordmann" at "Ledger Holding AS"
      And the last sync wrote nothing to either system

  Rule: M3 - Organizations.name is written to Customers.Name as a JSON string

    @M3
    Scenario: A renamed organization renames its customer
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no" in the organization "Acme AS"
      And the contact person "Kari Nordmann" at "Ledger Holding AS" with email "kari@acme.no"
      And the sync has run
      When the Zendesk organization "Acme AS" is renamed to "Acme Group AS"
      And the sync runs again
      Then the customer for the Zendesk organization "Acme AS" has the Name "Acme Group AS"
      And PowerOffice Go has no customer named "Acme AS"

    @M3
    Scenario: Name is a JSON string on the wire
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no" in the organization "Acme AS"
      And the contact person "Kari Nordmann" at "Ledger Holding AS" with email "kari@acme.no"
      When the sync runs
      Then the Name of the customer for the Zendesk organization "Acme AS" is a JSON string on the wire

    @M3 @M4
    Scenario: Every mapped Customers field has the spec's data type on the wire
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no" in the organization "Acme AS"
      And the contact person "Kari Nordmann" at "Ledger Holding AS" with email "kari@acme.no"
      When the sync runs
      Then the customer for the Zendesk organization "Acme AS" has these types on the wire:
        | property   | type   |
        | Name       | string |
        | WebsiteUrl | string |

  Rule: M4 - Organizations.url is copied literally to Customers.WebsiteUrl as a JSON string

    @M4 @interpretation
    Scenario: WebsiteUrl is the organization's API url, copied literally
      Zendesk's url is the record's API address, not a website; the spec maps it anyway.
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no" in the organization "Acme AS"
      And the contact person "Kari Nordmann" at "Ledger Holding AS" with email "kari@acme.no"
      When the sync runs
      Then the customer for the Zendesk organization "Acme AS" has the organization's API url as WebsiteUrl

    @M4
    Scenario: WebsiteUrl is a JSON string on the wire
      Given the Zendesk user "Kari Nordmann" with email "kari@acme.no" in the organization "Acme AS"
      And the contact person "Kari Nordmann" at "Ledger Holding AS" with email "kari@acme.no"
      When the sync runs
      Then the WebsiteUrl of the customer for the Zendesk organization "Acme AS" is a JSON string on the wire
