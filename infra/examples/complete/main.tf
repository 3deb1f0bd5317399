# driftguard, complete: the Audit account (functions, bus, alerts), the management account
# (remediation role, us-east-1 forwarding) and every member account (a service-managed
# StackSet with auto-deployment), plus the forwarders of a second governed region.
#
#   bash scripts/package.sh --policy path/to/policy.toml     # dist/<function>.zip
#   terraform -chdir=infra/examples/complete init
#   terraform -chdir=infra/examples/complete apply
#
# The policy file's management_account, audit_account, regions and remediation_role must
# agree with the variables here.

module "audit" {
  source    = "../../modules/audit"
  providers = { aws = aws.audit }

  organization_id       = var.organization_id
  management_account_id = var.management_account_id
  remediation_role_name = var.remediation_role_name
  artifacts_dir         = abspath(var.artifacts_dir)
  alert_emails          = var.alert_emails

  slack = var.slack_team_id == null ? null : {
    team_id    = var.slack_team_id
    channel_id = var.slack_channel_id
  }
}

# GuardDuty findings of the second region reach the Audit account's (the delegated
# administrator's) default bus there: forward them to the driftguard bus.
module "audit_findings_secondary" {
  source    = "../../modules/forwarder"
  providers = { aws = aws.audit_secondary }

  name                 = "driftguard-guardduty-findings"
  description          = "driftguard: forward GuardDuty findings to the driftguard bus in ${var.home_region}"
  event_pattern        = module.audit.guardduty_finding_pattern_json
  target_event_bus_arn = module.audit.event_bus_arn
  create_role          = false
  role_arn             = module.audit.forwarder_role_arn
}

module "management" {
  source    = "../../modules/management"
  providers = { aws = aws.management }

  organization_id       = var.organization_id
  audit_account_id      = var.audit_account_id
  audit_event_bus_arn   = module.audit.event_bus_arn
  function_role_arns    = module.audit.function_role_arns
  remediation_role_name = var.remediation_role_name
}

# The management account's own CloudTrail / GuardDuty / root events in the second region.
module "management_forward_secondary" {
  source    = "../../modules/forwarder"
  providers = { aws = aws.management_secondary }

  name                 = "driftguard-forward"
  event_pattern        = module.management.forward_pattern_json
  target_event_bus_arn = module.audit.event_bus_arn
  create_role          = false
  role_arn             = module.management.forwarder_role_arn
}

module "member" {
  source    = "../../modules/member"
  providers = { aws = aws.management }

  organization_id         = var.organization_id
  audit_account_id        = var.audit_account_id
  audit_event_bus_arn     = module.audit.event_bus_arn
  function_role_arns      = module.audit.function_role_arns
  regions                 = var.governed_regions
  home_region             = var.home_region
  organizational_unit_ids = var.member_organizational_unit_ids
  remediation_role_name   = var.remediation_role_name
}
