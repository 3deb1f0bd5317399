# The bus every account forwards to. Only the forwarding rules' roles may put events on it
# from other accounts: sessions of the roles named in `forwarder_role_names` (the member
# StackSet's DriftguardForwarder-<region>, the management module's driftguard-forward), in an
# account of the organization. Principals of this account need no bus policy (their own IAM
# policies decide). Events with an `aws.` source cannot be forged by PutEvents, and every
# rule below requires an AWS service source; partner sources (`aws.partner/...`) never match.
resource "aws_cloudwatch_event_bus" "this" {
  name = var.event_bus_name
  tags = local.tags
}

data "aws_iam_policy_document" "bus" {
  statement {
    sid       = "ForwardingRolesPutEvents"
    actions   = ["events:PutEvents"]
    resources = [aws_cloudwatch_event_bus.this.arn]

    # The role sessions EventBridge opens for a forwarding rule's target: matched by the
    # role's ARN (aws:PrincipalArn), in any account of the organization (aws:PrincipalOrgID).
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:PrincipalArn"
      values   = local.forwarder_role_arns
    }

    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = [var.organization_id]
    }
  }
}

resource "aws_cloudwatch_event_bus_policy" "this" {
  event_bus_name = aws_cloudwatch_event_bus.this.name
  policy         = data.aws_iam_policy_document.bus.json
}

# One rule per function, with its exact pattern (module event-patterns).
resource "aws_cloudwatch_event_rule" "function" {
  for_each = local.functions

  name           = "${var.name_prefix}-${each.key}"
  description    = "Events ${each.key} judges"
  event_bus_name = aws_cloudwatch_event_bus.this.name
  event_pattern  = module.patterns.function_patterns_json[each.key]
  tags           = local.tags
}

resource "aws_cloudwatch_event_target" "function" {
  for_each = local.functions

  rule           = aws_cloudwatch_event_rule.function[each.key].name
  event_bus_name = aws_cloudwatch_event_bus.this.name
  target_id      = each.key
  arn            = aws_lambda_function.this[each.key].arn

  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }

  # Events EventBridge itself cannot deliver (function throttled for 24 h, deleted, ...).
  dead_letter_config {
    arn = aws_sqs_queue.dlq[each.key].arn
  }
}

resource "aws_lambda_permission" "events" {
  for_each = local.functions

  statement_id  = "AllowEventBridge"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this[each.key].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.function[each.key].arn
}

# GuardDuty findings of every member reach the delegated administrator's (this account's)
# default bus; forward them to the driftguard bus. Other regions: the forwarder module with
# role_arn = forwarder_role_arn.
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
    resources = [aws_cloudwatch_event_bus.this.arn]
  }
}

resource "aws_iam_role" "forwarder" {
  name               = "${var.name_prefix}-findings-forwarder"
  description        = "EventBridge forwards GuardDuty findings from the default bus (any region) to the driftguard bus"
  assume_role_policy = data.aws_iam_policy_document.forwarder_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy" "forwarder" {
  name   = "put-events-driftguard-bus"
  role   = aws_iam_role.forwarder.id
  policy = data.aws_iam_policy_document.forwarder.json
}

module "findings_forwarder" {
  source = "../forwarder"
  count  = var.forward_guardduty_findings ? 1 : 0

  name                 = "${var.name_prefix}-guardduty-findings"
  description          = "driftguard: forward GuardDuty findings (delegated administrator) to the driftguard bus"
  event_pattern        = module.patterns.guardduty_finding_pattern_json
  target_event_bus_arn = aws_cloudwatch_event_bus.this.arn
  create_role          = false
  role_arn             = aws_iam_role.forwarder.arn
  tags                 = local.tags
}
