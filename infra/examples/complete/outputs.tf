output "event_bus_arn" {
  description = "The driftguard bus in the Audit account."
  value       = module.audit.event_bus_arn
}

output "alert_topic_arn" {
  description = "The alert topic (subscribe more endpoints here)."
  value       = module.audit.alert_topic_arn
}

output "function_names" {
  description = "The functions."
  value       = module.audit.function_names
}

output "log_group_names" {
  description = "The functions' log groups (Logs Insights: filter record = \"remediation\")."
  value       = module.audit.log_group_names
}

output "dlq_urls" {
  description = "Dead-letter queue per function."
  value       = module.audit.dlq_urls
}

output "management_remediation_role_arn" {
  description = "The remediation role in the management account."
  value       = module.management.remediation_role_arn
}

output "member_stack_set_name" {
  description = "The member StackSet."
  value       = module.member.stack_set_name
}
