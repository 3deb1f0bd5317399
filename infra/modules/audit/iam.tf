# One least-privilege role per function. Every function: its own log group, sns:Publish on
# the alert topic, the topic's and DLQ's KMS key (only through SNS / SQS), sqs:SendMessage
# to its own DLQ (the on-failure destination). Then what its code calls:
#
#   trail-guard      sts:AssumeRole <remediation role> in any account of the organization
#                    (members through the StackSet role; the org trail in the management account)
#   org-guard        sts:AssumeRole <remediation role> in the management account only
#   root-guard       Organizations reads for alert context (DescribeAccount, ListParents,
#                    DescribeOrganizationalUnit: the Audit account is a delegated
#                    administrator); no remediation, no AssumeRole
#   guardduty-guard  sts:AssumeRole <remediation role> in any account of the organization
#                    (detector repair), GuardDuty administrator calls in this account, the
#                    findings table
#
# The writes themselves (StartLogging, MoveAccount, CreateDetector, ...) are granted to the
# remediation role in each account (modules management and member), not to these roles.

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "function" {
  for_each = local.functions

  name               = "${var.name_prefix}-${each.key}"
  description        = "Execution role of the ${var.name_prefix}-${each.key} function"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "function" {
  for_each = local.functions

  statement {
    sid       = "OwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function[each.key].arn}:*"]
  }

  statement {
    sid       = "PublishAlerts"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
  }

  statement {
    sid       = "OnFailureDestination"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dlq[each.key].arn]
  }

  statement {
    sid       = "EncryptedTopicAndQueue"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [aws_kms_key.this.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values = concat(
        ["sns.${local.region}.amazonaws.com", "sqs.${local.region}.amazonaws.com"],
        each.key == "guardduty-guard" ? ["dynamodb.${local.region}.amazonaws.com"] : [],
      )
    }
  }

  dynamic "statement" {
    for_each = contains(["trail-guard", "guardduty-guard"], each.key) ? [1] : []
    content {
      sid       = "AssumeRemediationRoleInOrganization"
      actions   = ["sts:AssumeRole"]
      resources = [local.remediation_role_any_account]
      condition {
        test     = "StringEquals"
        variable = "aws:ResourceOrgID"
        values   = [var.organization_id]
      }
    }
  }

  dynamic "statement" {
    for_each = each.key == "org-guard" ? [1] : []
    content {
      sid       = "AssumeRemediationRoleInManagement"
      actions   = ["sts:AssumeRole"]
      resources = [local.remediation_role_management]
    }
  }

  # root-guard and guardduty-guard: account names, emails (CreateMembers) and OU paths for
  # alerts (shared/aws/src/directory.rs), as a delegated administrator of the organization.
  dynamic "statement" {
    for_each = contains(["root-guard", "guardduty-guard"], each.key) ? [1] : []
    content {
      sid = "OrganizationsDirectory"
      actions = [
        "organizations:DescribeAccount",
        "organizations:ListParents",
        "organizations:DescribeOrganizationalUnit",
      ]
      resources = [
        "${local.org_arn_prefix}:account/${var.organization_id}/*",
        "${local.org_arn_prefix}:ou/${var.organization_id}/*",
      ]
    }
  }

  # guardduty-guard acts as the GuardDuty delegated administrator in this account.
  dynamic "statement" {
    for_each = each.key == "guardduty-guard" ? [1] : []
    content {
      sid       = "GuardDutyListDetectors"
      actions   = ["guardduty:ListDetectors"]
      resources = ["*"] # ListDetectors has no resource type
    }
  }

  # These four have no resource type (IAM requires "*"); the role has no credentials in
  # any other account, so they act on this account's detectors only.
  dynamic "statement" {
    for_each = each.key == "guardduty-guard" ? [1] : []
    content {
      sid = "GuardDutyAdministrator"
      actions = [
        "guardduty:GetMembers",
        "guardduty:CreateMembers",
        "guardduty:DescribeOrganizationConfiguration",
        "guardduty:UpdateOrganizationConfiguration",
      ]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = each.key == "guardduty-guard" ? [1] : []
    content {
      sid       = "FindingsTable"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
      resources = [aws_dynamodb_table.findings[0].arn]
    }
  }
}

resource "aws_iam_role_policy" "function" {
  for_each = local.functions

  name   = "${var.name_prefix}-${each.key}"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.function[each.key].json
}
