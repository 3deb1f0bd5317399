# One forwarding rule on an account's default bus, in the provider's region, sending the
# matching events to the driftguard bus in the Audit account. Use one instance per region
# (rules are regional); set create_role = false and role_arn to share one role across regions.

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  create_role = var.create_role
  role_arn    = local.create_role ? aws_iam_role.this[0].arn : var.role_arn
}

resource "aws_cloudwatch_event_rule" "this" {
  name           = var.name
  description    = var.description
  event_bus_name = var.source_event_bus_name
  event_pattern  = var.event_pattern
  tags           = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  rule           = aws_cloudwatch_event_rule.this.name
  event_bus_name = var.source_event_bus_name
  target_id      = "driftguard-audit-bus"
  arn            = var.target_event_bus_arn
  role_arn       = local.role_arn

  lifecycle {
    precondition {
      condition     = var.create_role || var.role_arn != null
      error_message = "Set role_arn when create_role is false."
    }
  }

  dynamic "dead_letter_config" {
    for_each = var.dead_letter_queue_arn == null ? [] : [var.dead_letter_queue_arn]
    content {
      arn = dead_letter_config.value
    }
  }
}

data "aws_iam_policy_document" "assume" {
  count = local.create_role ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

data "aws_iam_policy_document" "put_events" {
  count = local.create_role ? 1 : 0

  statement {
    actions   = ["events:PutEvents"]
    resources = [var.target_event_bus_arn]
  }
}

resource "aws_iam_role" "this" {
  count = local.create_role ? 1 : 0

  name               = "${var.name}-${data.aws_region.current.name}"
  description        = "EventBridge forwards driftguard events from ${data.aws_region.current.name} to the Audit bus"
  assume_role_policy = data.aws_iam_policy_document.assume[0].json
  tags               = var.tags
}

resource "aws_iam_role_policy" "this" {
  count = local.create_role ? 1 : 0

  name   = "put-events-audit-bus"
  role   = aws_iam_role.this[0].id
  policy = data.aws_iam_policy_document.put_events[0].json
}
