output "audit" {
  description = "Every output of the audit module (read by the API checks and the routing test)."
  value       = module.audit
}

output "management" {
  description = "Every output of the management module."
  value       = module.management
}

output "audit_findings_eu_west_1_rule_arn" {
  description = "The second-region findings forwarder's rule."
  value       = module.audit_findings_eu_west_1.rule_arn
}

output "member" {
  description = "Every output of the member module."
  value       = module.member
}

output "member_account_id" {
  description = "The member account moto created (the StackSet deployed into it)."
  value       = aws_organizations_account.member.id
}

output "organization_id" {
  description = "The organization moto created (its id is random)."
  value       = aws_organizations_organization.this.id
}
