data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

module "patterns" {
  source = "../event-patterns"
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  all_functions = {
    "trail-guard" = {
      description = "driftguard trail-tampering: repairs CloudTrail trails (StartLogging, settings, event selectors, recreate)"
    }
    "org-guard" = {
      description = "driftguard account-placement and scp-integrity: moves accounts back, restores guardrail SCPs"
    }
    "root-guard" = {
      description = "driftguard root-activity: alerts on root sign-ins and root API calls"
    }
    "guardduty-guard" = {
      description = "driftguard guardduty-tampering and guardduty-finding: repairs detectors, alerts on findings"
    }
  }
  functions = { for k, v in local.all_functions : k => v if contains(var.functions, k) }

  zips = {
    for k in keys(local.functions) : k => lookup(var.function_zips, k, var.artifacts_dir == null ? null : "${var.artifacts_dir}/${k}.zip")
  }

  remediation_role_any_account = "arn:${local.partition}:iam::*:role/${var.remediation_role_name}"
  remediation_role_management  = "arn:${local.partition}:iam::${var.management_account_id}:role/${var.remediation_role_name}"

  # The roles the forwarding rules of other accounts put events on the bus with.
  forwarder_role_arns = [for n in var.forwarder_role_names : "arn:${local.partition}:iam::*:role/${n}"]

  # Organizations resources of this organization (its ARNs carry the management account).
  org_arn_prefix = "arn:${local.partition}:organizations::${var.management_account_id}"

  tags = merge({ "driftguard:component" = "audit" }, var.tags)
}

# One customer-managed key for the alert topic, the DLQs, the log groups and the findings table.
resource "aws_kms_key" "this" {
  description             = "driftguard: alert topic, DLQs, log groups, findings table"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  tags                    = local.tags

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        # CloudWatch alarm actions publish to the encrypted topic.
        Sid       = "CloudWatchAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
      {
        # EventBridge writes undeliverable events to the encrypted DLQs: only on behalf of
        # the function rules (aws:SourceArn = their exact ARNs), as the queue policies do.
        # ...IfExists: SQS makes these KMS requests for EventBridge, and AWS does not
        # document that they carry aws:SourceArn (for EventBridge to encrypted SNS topics it
        # documents that they do not). A plain ArnEquals would then refuse every dead letter
        # (the events that already failed delivery would be lost); with IfExists a request
        # that names another rule is refused and one that names none is admitted.
        Sid       = "EventBridgeDeadLetters"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = {
          ArnEqualsIfExists = { "aws:SourceArn" = sort([for r in aws_cloudwatch_event_rule.function : r.arn]) }
        }
      },
      {
        Sid       = "LogGroups"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/${var.name_prefix}-*" }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}"
  target_key_id = aws_kms_key.this.key_id
}
