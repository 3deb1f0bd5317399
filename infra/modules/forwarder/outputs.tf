output "rule_arn" {
  description = "ARN of the forwarding rule."
  value       = aws_cloudwatch_event_rule.this.arn
}

output "rule_name" {
  description = "Name of the forwarding rule."
  value       = aws_cloudwatch_event_rule.this.name
}

output "role_arn" {
  description = "ARN of the role EventBridge uses to put events on the Audit bus (created or given)."
  value       = local.role_arn
}
