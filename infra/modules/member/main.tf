# The member side, org-wide: a service-managed StackSet (auto-deployment on: accounts created
# or moved into the target OUs later get the stacks) of stackset.yaml, one stack instance per
# governed region. Apply it in the management account (or a StackSets delegated
# administrator with call_as = "DELEGATED_ADMIN").

locals {
  tags = merge({ "driftguard:component" = "member" }, var.tags)
}

resource "aws_cloudformation_stack_set" "this" {
  name             = var.stack_set_name
  description      = "driftguard member side: forwarding rules to the Audit bus and the remediation role"
  permission_model = "SERVICE_MANAGED"
  call_as          = var.call_as
  capabilities     = ["CAPABILITY_NAMED_IAM"]
  template_body    = file("${path.module}/stackset.yaml")

  auto_deployment {
    enabled                          = true
    retain_stacks_on_account_removal = false
  }

  operation_preferences {
    region_concurrency_type      = "PARALLEL"
    max_concurrent_percentage    = var.max_concurrent_percentage
    failure_tolerance_percentage = var.failure_tolerance_percentage
  }

  parameters = {
    OrganizationId                   = var.organization_id
    AuditAccountId                   = var.audit_account_id
    AuditEventBusArn                 = var.audit_event_bus_arn
    HomeRegion                       = var.home_region
    RemediationRoleName              = var.remediation_role_name
    TrailGuardRoleArn                = var.function_role_arns["trail-guard"]
    GuardDutyGuardRoleArn            = var.function_role_arns["guardduty-guard"]
    SessionPrefix                    = var.session_prefix
    CloudTrailCloudWatchLogsRoleName = var.cloudtrail_cloudwatch_logs_role_name
  }

  tags = local.tags

  lifecycle {
    # Service-managed StackSets have no administration role; AWS reports one anyway.
    ignore_changes = [administration_role_arn]

    precondition {
      condition     = contains(var.regions, var.home_region)
      error_message = "home_region must be one of regions (its stack creates the remediation role)."
    }
  }
}

resource "aws_cloudformation_stack_set_instance" "this" {
  for_each = toset(var.regions)

  stack_set_name = aws_cloudformation_stack_set.this.name
  call_as        = var.call_as
  region         = each.value

  deployment_targets {
    organizational_unit_ids = var.organizational_unit_ids
  }

  operation_preferences {
    max_concurrent_percentage    = var.max_concurrent_percentage
    failure_tolerance_percentage = var.failure_tolerance_percentage
  }

  retain_stack = false
}
