output "remediation_role_arn" {
  description = "ARN of the remediation role in the management account."
  value       = aws_iam_role.remediation.arn
}

output "remediation_role_name" {
  description = "Name of the remediation role."
  value       = aws_iam_role.remediation.name
}

output "forwarder_role_arn" {
  description = "Role for forwarders in the management account's other regions (forwarder module role_arn)."
  value       = aws_iam_role.forwarder.arn
}

output "forward_rule_arn" {
  description = "ARN of the forwarding rule in this region (null when create_forwarder is false)."
  value       = try(module.forwarder[0].rule_arn, null)
}

output "forward_pattern_json" {
  description = "The forwarded pattern (for forwarder modules in other regions)."
  value       = module.patterns.forward_pattern_json
}
