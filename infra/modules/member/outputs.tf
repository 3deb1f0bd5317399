output "stack_set_name" {
  description = "Name of the StackSet."
  value       = aws_cloudformation_stack_set.this.name
}

output "stack_set_arn" {
  description = "ARN of the StackSet."
  value       = aws_cloudformation_stack_set.this.arn
}

output "stack_set_id" {
  description = "Id of the StackSet."
  value       = aws_cloudformation_stack_set.this.stack_set_id
}

output "regions" {
  description = "Regions with a stack instance per target account."
  value       = sort(keys(aws_cloudformation_stack_set_instance.this))
}

output "remediation_role_name" {
  description = "Name of the remediation role in every member account."
  value       = var.remediation_role_name
}
