output "function_patterns" {
  description = "Event pattern per function (objects; jsonencode them for aws_cloudwatch_event_rule)."
  value       = local.function_patterns
}

output "function_patterns_json" {
  description = "Event pattern per function, as JSON strings."
  value       = { for k, v in local.function_patterns : k => jsonencode(v) }
}

output "forward_pattern" {
  description = "The pattern member and management accounts forward to the Audit bus (CloudTrail events of every function; no GuardDuty findings)."
  value       = local.forward_pattern
}

output "forward_pattern_json" {
  description = "forward_pattern as a JSON string."
  value       = jsonencode(local.forward_pattern)
}

output "guardduty_finding_pattern_json" {
  description = "The GuardDuty Finding pattern, as a JSON string (forwarded from the delegated administrator's default bus)."
  value       = jsonencode(local.guardduty_finding)
}

output "event_names" {
  description = "The CloudTrail event names routed, per event source."
  value = {
    "cloudtrail.amazonaws.com"    = local.trail_event_names
    "organizations.amazonaws.com" = local.organizations_event_names
    "guardduty.amazonaws.com"     = local.guardduty_event_names
  }
}
