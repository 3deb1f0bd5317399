variable "organization_id" {
  description = "The AWS Organization id (o-...)."
  type        = string

  validation {
    condition     = can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must look like o-a1b2c3d4e5."
  }
}

variable "audit_account_id" {
  description = "The Audit account, where the functions run."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.audit_account_id))
    error_message = "audit_account_id must be 12 digits."
  }
}

variable "audit_event_bus_arn" {
  description = "ARN of the driftguard bus in the Audit account (audit module output event_bus_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/.+$", var.audit_event_bus_arn))
    error_message = "audit_event_bus_arn must be an EventBridge event bus ARN."
  }
}

variable "function_role_arns" {
  description = "Execution role ARNs of the Audit account's functions (audit module output function_role_arns); trail-guard and guardduty-guard are trusted by the member remediation role."
  type        = map(string)

  validation {
    condition     = contains(keys(var.function_role_arns), "trail-guard") && contains(keys(var.function_role_arns), "guardduty-guard")
    error_message = "function_role_arns must contain trail-guard and guardduty-guard."
  }
}

variable "regions" {
  description = "Governed regions: one stack (forwarding rule) per member account and region."
  type        = list(string)

  validation {
    condition     = length(var.regions) > 0 && alltrue([for r in var.regions : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", r))])
    error_message = "regions must be a non-empty list of region names."
  }
}

variable "home_region" {
  description = "The region whose stack creates the remediation role (IAM is global). Must be one of regions."
  type        = string
  default     = "us-east-1"
}

variable "organizational_unit_ids" {
  description = "Where the StackSet deploys: OU ids, or the root id (r-...) for every account. New accounts in these OUs get the stacks automatically; the management account never does (see the management module)."
  type        = list(string)

  validation {
    condition     = length(var.organizational_unit_ids) > 0 && alltrue([for id in var.organizational_unit_ids : can(regex("^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$", id))])
    error_message = "organizational_unit_ids must be OU ids (ou-...) or the root id (r-...)."
  }
}

variable "remediation_role_name" {
  description = "Name of the remediation role (the policy file's remediation_role)."
  type        = string
  default     = "DriftguardRemediation"
}

variable "session_prefix" {
  description = "Prefix of driftguard's role session names."
  type        = string
  default     = "driftguard-"
}

variable "cloudtrail_cloudwatch_logs_role_name" {
  description = "Name of the CloudWatch Logs delivery role the policy file declares for member trails, which trail-guard may pass to CloudTrail; empty for none."
  type        = string
  default     = ""
}

variable "stack_set_name" {
  description = "Name of the StackSet."
  type        = string
  default     = "driftguard-member"
}

variable "call_as" {
  description = "SELF when applied in the management account; DELEGATED_ADMIN when applied in a StackSets delegated administrator account."
  type        = string
  default     = "SELF"

  validation {
    condition     = contains(["SELF", "DELEGATED_ADMIN"], var.call_as)
    error_message = "call_as must be SELF or DELEGATED_ADMIN."
  }
}

variable "max_concurrent_percentage" {
  description = "Share of accounts deployed at once per region."
  type        = number
  default     = 25
}

variable "failure_tolerance_percentage" {
  description = "Share of accounts that may fail per region before the operation stops."
  type        = number
  default     = 10
}

variable "tags" {
  description = "Tags for the StackSet (propagated to the stacks' resources)."
  type        = map(string)
  default     = {}
}
