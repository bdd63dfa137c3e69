Feature: Once linked, records stay in sync whichever side is edited
  The spec's promise for every section: "Once a link ... is established, it will keep in sync
  between the two systems, regardless of where it is edited." Per property, the side edited
  since the last sync wins; when both were edited, the later edit wins (Zendesk updated_at
  against PowerOffice Go LastChangedDateTimeOffset) and a tie goes to Zendesk. An empty value
  never overwrites a non-empty one, and nothing is ever deleted in PowerOffice Go.

  Background:
    Given the PowerOffice Go customer "Acme AS"
    And the Zendesk organization "Nordlys AS"
    And the Zendesk user "Kari Nordmann" with email "kari@acme.no" in the organization "Nordlys AS"
    And the contact person "Kari Nordmann" at "Acme AS" with email "kari@acme.no"
    And the sync has run

  Rule: S1 for M1 - email and EmailAddress

    @S1 @M1 @smoke
    Scenario: An EmailAddress edited in PowerOffice Go becomes the user's primary email in Zendesk
      When the EmailAddress of the contact person "Kari Nordmann" at "Acme AS" is changed to "kari.nordmann@acme.no"
      And the sync runs again
      Then the Zendesk user "Kari Nordmann" has the primary email "kari.nordmann@acme.no"

    @S1 @M1
    Scenario: A primary email changed in Zendesk reaches PowerOffice Go
      When the primary email of the Zendesk user "Kari Nordmann" is changed to "kari.n@acme.no"
      And the sync runs again
      Then the contact person "Kari Nordmann" at "Acme AS" has the EmailAddress "kari.n@acme.no"

    @S1 @M1 @reference-only
    Scenario: A change carried across does not echo back
      When the EmailAddress of the contact person "Kari Nordmann" at "Acme AS" is changed to "kari.nordmann@acme.no"
      And the sync runs again
      And the sync runs again
      Then the last sync wrote nothing to either system

    @S1 @M1
    Scenario: When both sides were edited between two syncs, the later edit wins on both sides
      When the primary email of the Zendesk user "Kari Nordmann" is changed to "kari.z@acme.no"
      And the EmailAddress of the contact person "Kari Nordmann" at "Acme AS" is changed to "kari.p@acme.no"
      And the sync runs again
      Then the Zendesk user "Kari Nordmann" has the primary email "kari.p@acme.no"
      And the contact person "Kari Nordmann" at "Acme AS" has the EmailAddress "kari.p@acme.no"

    @S1 @M1 @interpretation
    Scenario: An EmailAddress emptied in PowerOffice Go never empties the Zendesk email
      When the EmailAddress of the contact person "Kari Nordmann" at "Acme AS" is cleared
      And the sync runs again
      Then the Zendesk user "Kari Nordmann" has the primary email "kari@acme.no"

  Rule: S1 for M3 - name and Name

    @S1 @M3
    Scenario: A customer renamed in PowerOffice Go renames its organization in Zendesk
      When the customer for the Zendesk organization "Nordlys AS" is renamed to "Nordlys Group AS" in PowerOffice Go
      And the sync runs again
      Then the Zendesk organization "Nordlys AS" has the name "Nordlys Group AS"

  Rule: S1 for M4 - url cannot flow back

    @S1 @M4 @known-conflict @conflict:url-read-only-in-zendesk
    Scenario: The spec, literally - a WebsiteUrl edited in PowerOffice Go reaches the organization's url
      Zendesk's url is read-only (it is the record's API address), so no sync can write it.
      When the WebsiteUrl of the customer for the Zendesk organization "Nordlys AS" is changed to "https://nordlys.no" in PowerOffice Go
      And the sync runs again
      Then the Zendesk organization "Nordlys AS" has the url "https://nordlys.no"

  Rule: S1 - deletions drop links and delete nothing in PowerOffice Go

    @S1 @interpretation @reference-only
    Scenario: A user deleted in Zendesk loses its link, and its contact person stays
      When the Zendesk user "Kari Nordmann" is deleted
      And the sync runs again
      Then the contact person "Kari Nordmann" at "Acme AS" is linked to no Zendesk user
      And the contact person "Kari Nordmann" at "Acme AS" still exists
      And the last sync deleted nothing in PowerOffice Go

    @S1 @interpretation @reference-only
    Scenario: A contact person deleted in PowerOffice Go loses its link, and the Zendesk user stays
      When the contact person "Kari Nordmann" at "Acme AS" is deleted in PowerOffice Go
      And the sync runs again
      Then the Zendesk user "Kari Nordmann" is linked to no contact person
      And the Zendesk user "Kari Nordmann" still exists
      And the last sync deleted nothing in PowerOffice Go
      And the last sync wrote nothing to either system
