# The event patterns driftguard routes on, in one place. No resources: the audit module's
# rules, the management forwarder and (by equality test) the member StackSet template all
# read them from here.
#
# Every pattern keys on `source` (an `aws.` source cannot be forged with PutEvents: AWS
# rejects custom events whose source starts with "aws.") and, for API calls, on
# `detail.eventSource` + `detail.eventName` (never the name alone). There is no `errorCode`
# filter: failed calls are routed too, so attempts are seen.

locals {
  api_call     = "AWS API Call via CloudTrail"
  service_call = "AWS Service Event via CloudTrail"
  # Both spellings are in use (older and current documentation).
  sign_in = ["AWS Console Sign In via CloudTrail", "AWS Console Signin via CloudTrail"]

  # The CloudTrail calls each function's guardrails claim: catalog.json holds the guardrail
  # catalog of the core (shared/core/src/catalog.rs); a test fails when the two disagree.
  catalog = jsondecode(file("${path.module}/catalog.json"))

  trail_event_names         = local.catalog["trail-guard"]["cloudtrail.amazonaws.com"]
  organizations_event_names = local.catalog["org-guard"]["organizations.amazonaws.com"]
  guardduty_event_names     = local.catalog["guardduty-guard"]["guardduty.amazonaws.com"]

  trail_api = {
    source        = ["aws.cloudtrail"]
    "detail-type" = [local.api_call]
    detail = {
      eventSource = ["cloudtrail.amazonaws.com"]
      eventName   = local.trail_event_names
    }
  }

  organizations_api = {
    source        = ["aws.organizations"]
    "detail-type" = [local.api_call, local.service_call]
    detail = {
      eventSource = ["organizations.amazonaws.com"]
      eventName   = local.organizations_event_names
    }
  }

  # Any AWS source: root can call any service. Service events and service-invoked calls
  # are routed too; root-guard judges them benign.
  root_activity = {
    source        = [{ prefix = "aws." }]
    "detail-type" = concat([local.api_call], local.sign_in)
    detail = {
      userIdentity = {
        type = ["Root"]
      }
    }
  }

  guardduty_api = {
    source        = ["aws.guardduty"]
    "detail-type" = [local.api_call]
    detail = {
      eventSource = ["guardduty.amazonaws.com"]
      eventName   = local.guardduty_event_names
    }
  }

  # Findings share `source: aws.guardduty` with the API calls: route on detail-type.
  guardduty_finding = {
    source        = ["aws.guardduty"]
    "detail-type" = ["GuardDuty Finding"]
  }

  function_patterns = {
    "trail-guard"     = local.trail_api
    "org-guard"       = local.organizations_api
    "root-guard"      = local.root_activity
    "guardduty-guard" = { "$or" = [local.guardduty_api, local.guardduty_finding] }
  }

  # What member accounts and the management account forward to the Audit bus: every
  # CloudTrail event a function needs, and no GuardDuty findings (the delegated
  # administrator receives every member's findings; members' own copies would duplicate).
  forward_pattern = {
    "$or" = [local.trail_api, local.organizations_api, local.root_activity, local.guardduty_api]
  }
}
