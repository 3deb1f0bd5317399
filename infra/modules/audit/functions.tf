resource "aws_cloudwatch_log_group" "function" {
  for_each = local.functions

  name              = "/aws/lambda/${var.name_prefix}-${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = local.tags
}

# Async invocations that still fail after the retries (and events EventBridge could not
# deliver) land here; an alarm on its depth notifies the alert topic.
resource "aws_sqs_queue" "dlq" {
  for_each = local.functions

  name                              = "${var.name_prefix}-${each.key}-dlq"
  message_retention_seconds         = var.dlq_message_retention_seconds
  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 3600
  tags                              = local.tags
}

data "aws_iam_policy_document" "dlq" {
  for_each = local.functions

  statement {
    sid       = "EventBridgeDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dlq[each.key].arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.function[each.key].arn]
    }
  }
}

resource "aws_sqs_queue_policy" "dlq" {
  for_each = local.functions

  queue_url = aws_sqs_queue.dlq[each.key].id
  policy    = data.aws_iam_policy_document.dlq[each.key].json
}

resource "aws_lambda_function" "this" {
  for_each = local.functions

  #checkov:skip=CKV_AWS_50:The Rust functions are not instrumented for X-Ray; each invocation writes one structured remediation record with EMF metrics instead, and Active tracing would add cost without spans.
  #checkov:skip=CKV_AWS_116:Failed asynchronous invocations go to the per-function SQS DLQ through aws_lambda_function_event_invoke_config's on-failure destination (it carries the error and request context a dead_letter_config would lose).
  #checkov:skip=CKV_AWS_117:The functions only call AWS APIs (STS, SNS, CloudTrail, Organizations, GuardDuty, DynamoDB); a VPC would add NAT or six interface endpoints without reducing exposure.
  #checkov:skip=CKV_AWS_173:The environment holds only the topic ARN, the table name, the policy path and the log level (no secrets); Lambda encrypts it at rest with its AWS-managed key.
  #checkov:skip=CKV_AWS_272:The zips are built from this repository by scripts/package.sh and their hash is pinned by source_code_hash; AWS Signer code signing is left to the deploying organization.
  function_name = "${var.name_prefix}-${each.key}"
  description   = each.value.description
  role          = aws_iam_role.function[each.key].arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  architectures = ["arm64"]
  memory_size   = var.memory_size
  timeout       = var.timeout

  filename         = local.zips[each.key]
  source_code_hash = filebase64sha256(local.zips[each.key])

  reserved_concurrent_executions = var.reserved_concurrency == null ? -1 : var.reserved_concurrency

  environment {
    variables = merge(
      {
        DRIFTGUARD_TOPIC_ARN = aws_sns_topic.alerts.arn
        RUST_LOG             = var.log_level
      },
      var.policy_path == null ? {} : { DRIFTGUARD_POLICY = var.policy_path },
      each.key == "guardduty-guard" ? { DRIFTGUARD_FINDINGS_TABLE = aws_dynamodb_table.findings[0].name } : {},
    )
  }

  tags = local.tags

  depends_on = [
    aws_cloudwatch_log_group.function,
    aws_iam_role_policy.function,
  ]

  lifecycle {
    precondition {
      condition     = local.zips[each.key] != null
      error_message = "No zip for ${each.key}: set artifacts_dir (scripts/package.sh writes dist/<function>.zip) or function_zips."
    }
  }
}

resource "aws_lambda_function_event_invoke_config" "this" {
  for_each = local.functions

  function_name                = aws_lambda_function.this[each.key].function_name
  maximum_retry_attempts       = var.maximum_retry_attempts
  maximum_event_age_in_seconds = var.maximum_event_age_in_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.dlq[each.key].arn
    }
  }
}

# guardduty-guard deduplicates finding alerts (GuardDuty re-sends a finding every 6 hours).
resource "aws_dynamodb_table" "findings" {
  count = contains(var.functions, "guardduty-guard") ? 1 : 0

  name         = "${var.name_prefix}-guardduty-findings"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }

  point_in_time_recovery {
    enabled = true
  }

  tags = local.tags
}
