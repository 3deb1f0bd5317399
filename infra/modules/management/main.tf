# The management account side:
# - the remediation role (the functions assume one role name in every account; StackSets
#   with service-managed permissions never deploy to the management account, so it is
#   created here), trusted by the Audit account's org-guard, trail-guard and
#   guardduty-guard roles. Each trust statement binds a caller to session names that start
#   with its own function name, and each permission set below only works in sessions of
#   its function (aws:userid = "<role id>:<session name>"): the Organizations writes are
#   usable by org-guard alone, although the role is shared;
# - the us-east-1 forwarding rule (Organizations, IAM and sign-in events reach EventBridge
#   only there) to the Audit bus.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

module "patterns" {
  source = "../event-patterns"
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  org        = var.organization_id
  org_arn    = "arn:${local.partition}:organizations::${local.account_id}"

  # This organization's Organizations resources, by resource type (Service Authorization
  # Reference: account/o-<org>/<account id>, ou/o-<org>/ou-..., root/o-<org>/r-...,
  # policy/o-<org>/<policy type>/p-...).
  org_arns = {
    account = "${local.org_arn}:account/${local.org}/*"
    ou      = "${local.org_arn}:ou/${local.org}/ou-*"
    root    = "${local.org_arn}:root/${local.org}/r-*"
    scp     = "${local.org_arn}:policy/${local.org}/service_control_policy/p-*"
  }

  # The functions that act in the management account (root-guard never remediates).
  trusted = { for k, v in var.function_role_arns : k => v if contains(["org-guard", "trail-guard", "guardduty-guard"], k) }

  session = { for k in ["org-guard", "trail-guard", "guardduty-guard"] : k => "${var.session_prefix}${k}-*" }
  userid  = { for k, v in local.session : k => "*:${v}" }

  tags = merge({ "driftguard:component" = "management" }, var.tags)
}

data "aws_iam_policy_document" "trust" {
  dynamic "statement" {
    for_each = local.trusted
    content {
      sid     = replace(title(replace(statement.key, "-", " ")), " ", "")
      actions = ["sts:AssumeRole"]
      principals {
        type        = "AWS"
        identifiers = ["arn:${local.partition}:iam::${var.audit_account_id}:root"]
      }
      condition {
        test     = "ArnEquals"
        variable = "aws:PrincipalArn"
        values   = [statement.value]
      }
      condition {
        test     = "StringLike"
        variable = "sts:RoleSessionName"
        values   = [local.session[statement.key]]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:PrincipalOrgID"
        values   = [var.organization_id]
      }
    }
  }
}

resource "aws_iam_role" "remediation" {
  name                 = var.remediation_role_name
  description          = "driftguard remediation from the Audit account (${var.audit_account_id}): org-guard, trail-guard, guardduty-guard"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
  tags                 = local.tags

  lifecycle {
    precondition {
      condition     = length(local.trusted) > 0
      error_message = "function_role_arns must name at least one of org-guard, trail-guard, guardduty-guard."
    }
  }
}

# org-guard: exactly the Organizations calls of functions/org-guard (see README), each on the
# resource types the Service Authorization Reference lists for it, in this organization
# only: arn:<partition>:organizations::<management account>:<type>/<organization id>/...
data "aws_iam_policy_document" "organizations" {
  # No resource type: "*" is the only resource these accept.
  statement {
    sid = "ReadOrganization"
    actions = [
      "organizations:ListRoots",
      "organizations:ListPolicies",
    ]
    resources = ["*"]
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["org-guard"]]
    }
  }

  # ListOrganizationalUnitsForParent: the parent, a root or an OU.
  statement {
    sid       = "ListOrganizationalUnits"
    actions   = ["organizations:ListOrganizationalUnitsForParent"]
    resources = [local.org_arns.root, local.org_arns.ou]
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["org-guard"]]
    }
  }

  # ListParents: the child, an account or an OU.
  statement {
    sid       = "ListParents"
    actions   = ["organizations:ListParents"]
    resources = [local.org_arns.account, local.org_arns.ou]
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["org-guard"]]
    }
  }

  statement {
    sid       = "DescribeAccount"
    actions   = ["organizations:DescribeAccount"]
    resources = [local.org_arns.account]
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["org-guard"]]
    }
  }

  # DescribePolicy, ListTargetsForPolicy, UpdatePolicy: the policy; service control
  # policies only (the policy type is part of the ARN).
  statement {
    sid = "ReadAndRestoreGuardrailScps"
    actions = [
      "organizations:DescribePolicy",
      "organizations:ListTargetsForPolicy",
      "organizations:UpdatePolicy",
    ]
    resources = [local.org_arns.scp]
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["org-guard"]]
    }
  }

  # MoveAccount: the account and its source and destination parents (root or OU).
  statement {
    sid       = "RestorePlacement"
    actions   = ["organizations:MoveAccount"]
    resources = [local.org_arns.account, local.org_arns.root, local.org_arns.ou]
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["org-guard"]]
    }
  }

  # AttachPolicy: the SCP and its target (root, OU or account).
  statement {
    sid       = "ReattachGuardrailScps"
    actions   = ["organizations:AttachPolicy"]
    resources = [local.org_arns.scp, local.org_arns.root, local.org_arns.ou, local.org_arns.account]
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["org-guard"]]
    }
  }

  # EnablePolicyType: the root; only the policy types the policy file requires
  # ([organization] required_policy_types).
  statement {
    sid       = "ReenableRequiredPolicyTypes"
    actions   = ["organizations:EnablePolicyType"]
    resources = [local.org_arns.root]
    condition {
      test     = "StringEquals"
      variable = "organizations:PolicyType"
      values   = var.required_policy_types
    }
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["org-guard"]]
    }
  }

  # Recreate a deleted guardrail SCP. CreatePolicy has no resource type: the condition
  # limits it to service control policies.
  statement {
    sid       = "RecreateGuardrailScp"
    actions   = ["organizations:CreatePolicy"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "organizations:PolicyType"
      values   = ["SERVICE_CONTROL_POLICY"]
    }
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["org-guard"]]
    }
  }
}

# trail-guard: the organization trail lives in the management account.
data "aws_iam_policy_document" "cloudtrail" {
  statement {
    sid = "RepairTrails"
    actions = [
      "cloudtrail:GetTrail",
      "cloudtrail:GetTrailStatus",
      "cloudtrail:GetEventSelectors",
      "cloudtrail:StartLogging",
      "cloudtrail:UpdateTrail",
      "cloudtrail:PutEventSelectors",
      "cloudtrail:CreateTrail",
    ]
    resources = ["arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*"]
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["trail-guard"]]
    }
  }

  # CreateTrail / UpdateTrail of an organization trail: CloudTrail checks the organization
  # and its service-linked role with the caller's credentials.
  statement {
    sid = "OrganizationTrail"
    actions = [
      "organizations:DescribeOrganization",
      "organizations:ListAWSServiceAccessForOrganization",
    ]
    resources = ["*"] # no resource type
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["trail-guard"]]
    }
  }

  statement {
    sid       = "OrganizationTrailServiceLinkedRole"
    actions   = ["iam:GetRole"]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/cloudtrail.amazonaws.com/AWSServiceRoleForCloudTrail"]
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["trail-guard"]]
    }
  }

  dynamic "statement" {
    for_each = length(var.cloudtrail_cloudwatch_logs_role_arns) > 0 ? [1] : []
    content {
      sid       = "PassDeclaredCloudWatchLogsRole"
      actions   = ["iam:PassRole"]
      resources = var.cloudtrail_cloudwatch_logs_role_arns
      condition {
        test     = "StringEquals"
        variable = "iam:PassedToService"
        values   = ["cloudtrail.amazonaws.com"]
      }
      condition {
        test     = "StringLike"
        variable = "aws:userid"
        values   = [local.userid["trail-guard"]]
      }
    }
  }
}

# guardduty-guard: the management account's own detector in each region.
data "aws_iam_policy_document" "guardduty" {
  statement {
    sid       = "FindDetector"
    actions   = ["guardduty:ListDetectors"]
    resources = ["*"] # no resource type
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["guardduty-guard"]]
    }
  }

  statement {
    sid       = "RepairDetector"
    actions   = ["guardduty:GetDetector", "guardduty:UpdateDetector"]
    resources = ["arn:${local.partition}:guardduty:*:${local.account_id}:detector/*"]
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["guardduty-guard"]]
    }
  }

  # CreateDetector has no resource type; the condition binds it to guardduty-guard sessions.
  statement {
    sid       = "RecreateDetector"
    actions   = ["guardduty:CreateDetector"]
    resources = ["*"]
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["guardduty-guard"]]
    }
  }

  statement {
    sid       = "GuardDutyServiceLinkedRole"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"]
    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = ["guardduty.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = [local.userid["guardduty-guard"]]
    }
  }
}

resource "aws_iam_role_policy" "organizations" {
  count = contains(keys(local.trusted), "org-guard") ? 1 : 0

  name   = "org-guard-organizations"
  role   = aws_iam_role.remediation.id
  policy = data.aws_iam_policy_document.organizations.json
}

resource "aws_iam_role_policy" "cloudtrail" {
  count = contains(keys(local.trusted), "trail-guard") ? 1 : 0

  name   = "trail-guard-cloudtrail"
  role   = aws_iam_role.remediation.id
  policy = data.aws_iam_policy_document.cloudtrail.json
}

resource "aws_iam_role_policy" "guardduty" {
  count = contains(keys(local.trusted), "guardduty-guard") ? 1 : 0

  name   = "guardduty-guard-guardduty"
  role   = aws_iam_role.remediation.id
  policy = data.aws_iam_policy_document.guardduty.json
}

# Forwarding (us-east-1). One role serves the forwarders of every region.
data "aws_iam_policy_document" "forwarder_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "forwarder" {
  statement {
    actions   = ["events:PutEvents"]
    resources = [var.audit_event_bus_arn]
  }
}

resource "aws_iam_role" "forwarder" {
  name               = var.forwarder_name
  description        = "EventBridge forwards driftguard events from the management account to the Audit bus"
  assume_role_policy = data.aws_iam_policy_document.forwarder_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy" "forwarder" {
  name   = "put-events-audit-bus"
  role   = aws_iam_role.forwarder.id
  policy = data.aws_iam_policy_document.forwarder.json
}

module "forwarder" {
  source = "../forwarder"
  count  = var.create_forwarder ? 1 : 0

  name                 = var.forwarder_name
  description          = "driftguard: forward Organizations, root, CloudTrail and GuardDuty events to the Audit bus"
  event_pattern        = module.patterns.forward_pattern_json
  target_event_bus_arn = var.audit_event_bus_arn
  create_role          = false
  role_arn             = aws_iam_role.forwarder.arn
  tags                 = local.tags
}

check "forwarder_in_us_east_1" {
  assert {
    condition     = !var.create_forwarder || data.aws_region.current.name == "us-east-1"
    error_message = "The management forwarder runs in ${data.aws_region.current.name}: Organizations, IAM and console sign-in events reach EventBridge only in us-east-1, so apply this module with a us-east-1 provider (use the forwarder module for other regions)."
  }
}
