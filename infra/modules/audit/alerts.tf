# The alert topic: functions publish one message per decision that needs one (email text,
# Slack through AWS Chatbot, a JSON document for machines); the alarms publish here too.
resource "aws_sns_topic" "alerts" {
  name              = "${var.name_prefix}-alerts"
  kms_master_key_id = aws_kms_key.this.arn
  tags              = local.tags
}

data "aws_iam_policy_document" "alerts" {
  statement {
    sid       = "AccountPrincipals"
    actions   = ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"]
    resources = [aws_sns_topic.alerts.arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchAlarms"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alert_emails)

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}

# Optional Slack channel through AWS Chatbot. Its role has no permissions of its own: the
# channel only receives notifications; the guardrail policy caps what channel members could
# ever do through it to read-only CloudWatch.
data "aws_iam_policy_document" "chatbot_assume" {
  count = var.slack == null ? 0 : 1

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["chatbot.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "chatbot" {
  count = var.slack == null ? 0 : 1

  name               = "${var.name_prefix}-chatbot"
  description        = "AWS Chatbot channel role for driftguard alerts (notifications only)"
  assume_role_policy = data.aws_iam_policy_document.chatbot_assume[0].json
  tags               = local.tags
}

resource "aws_chatbot_slack_channel_configuration" "this" {
  count = var.slack == null ? 0 : 1

  configuration_name    = var.slack.configuration_name
  iam_role_arn          = aws_iam_role.chatbot[0].arn
  slack_team_id         = var.slack.team_id
  slack_channel_id      = var.slack.channel_id
  sns_topic_arns        = [aws_sns_topic.alerts.arn]
  guardrail_policy_arns = ["arn:${local.partition}:iam::aws:policy/CloudWatchReadOnlyAccess"]
  logging_level         = var.slack.logging_level
  tags                  = local.tags
}

# Nothing lost: a DLQ that holds anything, or a function that errors, alarms to the topic.
resource "aws_cloudwatch_metric_alarm" "dlq" {
  for_each = var.alarms_enabled ? local.functions : {}

  alarm_name          = "${var.name_prefix}-${each.key}-dlq-not-empty"
  alarm_description   = "${var.name_prefix}-${each.key}: events that failed every retry are in ${aws_sqs_queue.dlq[each.key].name}; inspect, fix, then redrive them"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dlq[each.key].name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  for_each = var.alarms_enabled ? local.functions : {}

  alarm_name          = "${var.name_prefix}-${each.key}-errors"
  alarm_description   = "${var.name_prefix}-${each.key} failed an invocation (a remediation that failed, an undecodable event, an alert not published); see its log group"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this[each.key].function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
  tags                = local.tags
}
