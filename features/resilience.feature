Feature: The sync copes with the faults the real APIs produce
  Rate limits, outages and lost connections happen against the real services. The sync waits
  out what the server asks it to, retries what is safe to repeat, fails clearly when retries
  run out, and never duplicates a record on the next run. These scenarios need control over
  the fakes, so they only run with the reference sync on the built-in fakes. Bad input is
  reported per record and per field: one field PowerOffice Go refuses never blocks the rest.

  Background:
    Given the PowerOffice Go customer "Acme AS"
    And the Zendesk organization "Nordlys AS"
    And the Zendesk user "Kari Nordmann" with email "kari@acme.no" in the organization "Nordlys AS"
    And the contact person "Kari Nordmann" at "Acme AS" with email "KARI@acme.no"

  Rule: faults - the sync waits out, retries or fails clearly, and never duplicates

    @reference-only @fakes-only @M1
    Scenario: A rate-limited write is waited out and lands
      Given PowerOffice Go rate-limits the next PATCH request to "/v2/ContactPersons/*"
      When the sync runs
      Then the contact person "Kari Nordmann" at "Acme AS" has the EmailAddress "kari@acme.no"

    @reference-only @fakes-only @R1
    Scenario: A short outage while reading is retried
      Given PowerOffice Go answers the next 2 GET requests to "/v2/ContactPersons" with status 503
      When the sync runs
      Then the Zendesk user "Kari Nordmann" is linked to the contact person "Kari Nordmann" at "Acme AS"

    @reference-only @fakes-only @R1
    Scenario: A long outage fails the sync clearly, and the next run completes
      Given PowerOffice Go answers the next 4 GET requests to "/v2/ContactPersons" with status 503
      When the sync runs and fails
      Then the failure names "PowerOffice Go answered 503 Service Unavailable"
      And the failure names "gave up after 4 attempts"
      When the sync runs again
      Then the Zendesk user "Kari Nordmann" is linked to the contact person "Kari Nordmann" at "Acme AS"

    @reference-only @fakes-only @R3
    Scenario: A create whose connection dropped is not duplicated by the next run
      Given PowerOffice Go drops the connection of the next POST request to "/v2/Customers"
      When the sync runs and fails
      And the sync runs again
      Then PowerOffice Go has exactly one company customer named "Nordlys AS"

  Rule: bad input - a field that cannot be written does not block its record

    @reference-only @M7 @M8
    Scenario: A DepartmentId PowerOffice Go refuses does not stop the CountryCode of the same employee
      Given the Zendesk organization "Nordlys Support"
      And the PowerOffice Go department "Support"
      And the Zendesk organization "Nordlys Support" is linked to the department "Support"
      And the Zendesk agent "Anne Agent" with email "anne@support.example.com" in the organization "Nordlys Support"
      And the sync has run
      And the PowerOffice Go department "Support" is deleted
      When the JobTitle of the employee for "Anne Agent" is set to "wd:Q703534 Support engineer"
      And the MailAddress.CountryCode of the employee for "Anne Agent" is set to "NO"
      And the sync runs again, reporting what it could not write
      Then the last sync failed to write M7 for the employee of "Anne Agent", naming the reason "not found"
      And the employee for "Anne Agent" has the MailAddress.CountryCode "agent"
      And the employee for "Anne Agent" has no DepartmentId
