output "event_bus_arn" {
  description = "ARN of the driftguard bus (the forwarding target of every account)."
  value       = aws_cloudwatch_event_bus.this.arn
}

output "event_bus_name" {
  description = "Name of the driftguard bus."
  value       = aws_cloudwatch_event_bus.this.name
}

output "alert_topic_arn" {
  description = "ARN of the alert SNS topic."
  value       = aws_sns_topic.alerts.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the topic, the DLQs, the log groups and the findings table."
  value       = aws_kms_key.this.arn
}

output "function_arns" {
  description = "Function ARN per function."
  value       = { for k, f in aws_lambda_function.this : k => f.arn }
}

output "function_names" {
  description = "Function name per function."
  value       = { for k, f in aws_lambda_function.this : k => f.function_name }
}

output "function_role_arns" {
  description = "Execution role ARN per function (the remediation roles trust these)."
  value       = { for k, r in aws_iam_role.function : k => r.arn }
}

output "rule_arns" {
  description = "EventBridge rule ARN per function."
  value       = { for k, r in aws_cloudwatch_event_rule.function : k => r.arn }
}

output "rule_names" {
  description = "EventBridge rule name per function."
  value       = { for k, r in aws_cloudwatch_event_rule.function : k => r.name }
}

output "dlq_arns" {
  description = "Dead-letter queue ARN per function."
  value       = { for k, q in aws_sqs_queue.dlq : k => q.arn }
}

output "dlq_urls" {
  description = "Dead-letter queue URL per function."
  value       = { for k, q in aws_sqs_queue.dlq : k => q.id }
}

output "log_group_names" {
  description = "Log group per function (the remediation records, for Logs Insights)."
  value       = { for k, g in aws_cloudwatch_log_group.function : k => g.name }
}

output "findings_table_name" {
  description = "DynamoDB table guardduty-guard deduplicates findings in (null when guardduty-guard is not deployed)."
  value       = try(aws_dynamodb_table.findings[0].name, null)
}

output "forwarder_role_arn" {
  description = "Role for GuardDuty finding forwarders in other regions of this account (forwarder module role_arn)."
  value       = aws_iam_role.forwarder.arn
}

output "event_patterns" {
  description = "The event pattern of each function's rule, as JSON."
  value       = module.patterns.function_patterns_json
}

output "forward_pattern_json" {
  description = "The pattern member and management accounts forward (for forwarder modules in other regions)."
  value       = module.patterns.forward_pattern_json
}

output "guardduty_finding_pattern_json" {
  description = "The GuardDuty Finding pattern (for finding forwarders in other regions)."
  value       = module.patterns.guardduty_finding_pattern_json
}
