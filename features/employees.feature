Feature: Zendesk Users and PowerOffice Go Employees
  Spec section "Zendesk Users to PowerOfficeGo Employees".
  R4: when a Zendesk user is of type Agent, it is synchronised with a PowerOffice Go employee.
  There is no merge rule, so employees are created (never matched) and never twice; they carry
  the import reference zendesk-user:<id>. FirstName and LastName are required by the API and
  not mapped: they come from the Zendesk name (every word but the last, and the last word).
  M5/M6: created_at → EmployeeCreatedDateTimeOffset, "string" (read-only in v2).
  M7: organization_id → DepartmentId, only with wd:Q703534 in JobTitle.
  M8: role → MailAddress.CountryCode, "string", copied literally.

  Rule: R4 - agents, and only agents, become employees

    @R4 @smoke
    Scenario: An agent becomes an employee named after the Zendesk name
      Given the Zendesk agent "Anne Marie Agent" with email "anne@support.example.com"
      When the sync runs
      Then PowerOffice Go has exactly one employee with FirstName "Anne Marie" and LastName "Agent"

    @R4
    Scenario: An end-user never becomes an employee
      Given the Zendesk end-user "Eva Enduser" with email "eva@acme.no"
      When the sync runs
      Then PowerOffice Go has no employee

    @R4
    Scenario: Of several users, only the agents become employees
      Given the Zendesk users:
        | name           | email                     | role     |
        | Anne Agent     | anne@support.example.com  | agent    |
        | Eva Enduser    | eva@acme.no               | end-user |
        | Arne Admin     | arne@support.example.com  | admin    |
        | Aksel Agentsen | aksel@support.example.com | agent    |
      When the sync runs
      Then PowerOffice Go has 2 employees
      And PowerOffice Go has exactly one employee with FirstName "Anne" and LastName "Agent"
      And PowerOffice Go has exactly one employee with FirstName "Aksel" and LastName "Agentsen"

    @R4 @interpretation
    Scenario: An admin does not become an employee by default
      Given the Zendesk admin "Arne Admin" with email "arne@support.example.com"
      When the sync runs
      Then PowerOffice Go has no employee

    @R4 @reference-only
    Scenario: An agent becomes an employee once, however often the sync runs
      Given the Zendesk agent "Anne Agent" with email "anne@support.example.com"
      When the sync runs
      And the sync runs again
      Then PowerOffice Go has exactly one employee with FirstName "Anne" and LastName "Agent"
      And the last sync wrote nothing to either system

    @R4 @interpretation @reference-only
    Scenario: An employee left behind by an interrupted sync is found again, not duplicated
      Given the Zendesk agent "Anne Agent" with email "anne@support.example.com"
      When the sync runs
      And the sync loses its link table
      And the sync runs again
      Then PowerOffice Go has exactly one employee with FirstName "Anne" and LastName "Agent"

    @R4 @interpretation @reference-only
    Scenario: An agent with a one-word name is reported and not created
      Given the Zendesk agent "Cher" with email "cher@support.example.com"
      When the sync runs
      Then PowerOffice Go has no employee
      And the last sync skipped R4 for the Zendesk user "Cher"

    @R4 @R3
    Scenario: An agent synced as an employee makes its organization a customer
      Given the Zendesk organization "Nordlys Support"
      And the Zendesk agent "Anne Agent" with email "anne@support.example.com" in the organization "Nordlys Support"
      When the sync runs
      Then PowerOffice Go has exactly one company customer named "Nordlys Support"

  Rule: M5, M6 - created_at cannot be written to EmployeeCreatedDateTimeOffset, which is read-only

    @M5 @M6 @interpretation @reference-only
    Scenario: The sync reports EmployeeCreatedDateTimeOffset as read-only instead of writing it
      Given the Zendesk agent "Anne Agent" with email "anne@support.example.com"
      And the sync has run
      When the sync runs again
      Then the last sync skipped M5 for the employee of "Anne Agent" because it is read-only
      And the last sync skipped M6 for the employee of "Anne Agent" because it is read-only

    @M5 @M6
    Scenario: EmployeeCreatedDateTimeOffset is a date-time string with an offset on the wire
      Given the Zendesk agent "Anne Agent" with email "anne@support.example.com"
      When the sync runs
      Then the EmployeeCreatedDateTimeOffset of the employee for "Anne Agent" is a date-time string with an offset on the wire

    @M5 @M6 @known-conflict @conflict:employee-created-date-time-offset-read-only
    Scenario: The spec, literally - EmployeeCreatedDateTimeOffset carries the Zendesk created_at
      Given the Zendesk agent "Anne Agent" with email "anne@support.example.com"
      When the sync runs
      Then the EmployeeCreatedDateTimeOffset of the employee for "Anne Agent" is the Zendesk created_at of "Anne Agent"

  Rule: M7 - organization_id maps to DepartmentId while JobTitle holds wd:Q703534

    Background:
      Given the Zendesk organization "Nordlys Support"
      And the PowerOffice Go department "Support"
      And the Zendesk organization "Nordlys Support" is linked to the department "Support"
      And the Zendesk agent "Anne Agent" with email "anne@support.example.com" in the organization "Nordlys Support"
      And the sync has run

    @M7 @reference-only
    Scenario: With wd:Q703534 in JobTitle, the employee gets the department of the agent's organization
      When the JobTitle of the employee for "Anne Agent" is set to "wd:Q703534 Support engineer"
      And the sync runs again
      Then the employee for "Anne Agent" has the DepartmentId of the department "Support"

    @M7 @reference-only
    Scenario: Without wd:Q703534 in JobTitle, DepartmentId is left alone
      When the JobTitle of the employee for "Anne Agent" is set to "Support engineer"
      And the sync runs again
      Then the employee for "Anne Agent" has no DepartmentId

    @M7 @interpretation @reference-only
    Scenario: DepartmentId is a JSON integer on the wire, not the string the spec names
      When the JobTitle of the employee for "Anne Agent" is set to "wd:Q703534 Support engineer"
      And the sync runs again
      Then the DepartmentId of the employee for "Anne Agent" is a JSON integer on the wire

    @M5 @M6 @M7 @M8 @known-conflict @conflict:department-id-type @reference-only
    Scenario: The spec, literally - every mapped Employees field has the spec's data type on the wire
      All mismatches are reported at once; only DepartmentId (an integer, where the spec says
      "string") is expected to differ.
      When the JobTitle of the employee for "Anne Agent" is set to "wd:Q703534 Support engineer"
      And the sync runs again
      Then the employee for "Anne Agent" has these types on the wire:
        | property                      | type   |
        | EmployeeCreatedDateTimeOffset | string |
        | DepartmentId                  | string |
        | MailAddress.CountryCode       | string |

    @M7 @known-conflict @conflict:department-id-type @reference-only
    Scenario: The spec, literally - DepartmentId is a JSON string on the wire
      When the JobTitle of the employee for "Anne Agent" is set to "wd:Q703534 Support engineer"
      And the sync runs again
      Then the DepartmentId of the employee for "Anne Agent" is a JSON string on the wire

  Rule: M8 - role is copied literally to MailAddress.CountryCode

    @M8 @interpretation
    Scenario: The employee's MailAddress.CountryCode is the Zendesk role
      A role is not a country code; the spec is the oracle here and lint flags the mapping.
      Given the Zendesk agent "Anne Agent" with email "anne@support.example.com"
      When the sync runs
      Then the employee for "Anne Agent" has the MailAddress.CountryCode "agent"

    @M8
    Scenario: MailAddress.CountryCode is a JSON string on the wire
      Given the Zendesk agent "Anne Agent" with email "anne@support.example.com"
      When the sync runs
      Then the MailAddress.CountryCode of the employee for "Anne Agent" is a JSON string on the wire
