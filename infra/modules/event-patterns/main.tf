# The event patterns driftguard routes on, in one place. No resources: the audit module's
# rules, the management forwarder and (by equality test) the member StackSet template all
# read them from here.
#
# Every pattern keys on `source` and, for API calls, on `detail.eventSource` +
# `detail.eventName` (never the name alone). Sources are exact AWS service sources
# (`aws.cloudtrail`, ...): an `aws.` source cannot be forged with PutEvents (AWS rejects
# custom events whose source starts with "aws."), and partner event sources
# (`aws.partner/...`, which a SaaS partner fills in) never match. There is no `errorCode`
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

  # Root can call any service, so root activity cannot list its sources. What it requires
  # instead: a CloudTrail record of an AWS service (`detail.eventSource` ends in
  # ".amazonaws.com") whose caller is the root user. Service events and service-invoked calls
  # are routed too; root-guard judges them benign.
  #
  # The source must be an AWS service's (`aws.<service>`) and not a partner's
  # (`aws.partner/...`). EventBridge cannot require both on one field: the values of a field
  # are alternatives (OR), a match expression holds one operator ("Only one key allowed in
  # match expression", aws/event-ruler), and a field named twice overrides. So the two
  # conditions sit on the two hops every member's and the management account's event takes:
  # - forwarded (default buses, `forward_pattern`): `prefix "aws."`, so custom events that
  #   anyone with PutEvents on a member's default bus can send are never forwarded;
  # - root-guard's rule (the Audit bus): `anything-but prefix "aws.partner/"`, so no partner
  #   event reaches the function, whichever rule or account put it on the bus.
  # Sign-ins have one source, `aws.signin`: root-guard's rule names it exactly.
  root_detail = {
    eventSource = [{ suffix = ".amazonaws.com" }]
    userIdentity = {
      type = ["Root"]
    }
  }

  root_api = {
    source        = [{ "anything-but" = { prefix = "aws.partner/" } }]
    "detail-type" = [local.api_call]
    detail        = local.root_detail
  }

  root_sign_in = {
    source        = ["aws.signin"]
    "detail-type" = local.sign_in
    detail = {
      eventSource  = ["signin.amazonaws.com"]
      userIdentity = local.root_detail.userIdentity
    }
  }

  root_activity = { "$or" = [local.root_api, local.root_sign_in] }

  # The forwarded half: any AWS source (partner sources are dropped by root-guard's rule).
  root_activity_forward = {
    source        = [{ prefix = "aws." }]
    "detail-type" = concat([local.api_call], local.sign_in)
    detail        = local.root_detail
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
  # Root activity is forwarded from any `aws.` source; the Audit bus rule drops partners.
  forward_pattern = {
    "$or" = [local.trail_api, local.organizations_api, local.root_activity_forward, local.guardduty_api]
  }
}
