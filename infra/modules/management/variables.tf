variable "organization_id" {
  description = "The AWS Organization id (o-...)."
  type        = string

  validation {
    condition     = can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must look like o-a1b2c3d4e5."
  }
}

variable "audit_account_id" {
  description = "The Audit account, where the audit module runs the functions."
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
  description = "Execution role ARNs of the Audit account's functions (audit module output function_role_arns). org-guard, trail-guard and guardduty-guard are trusted; each may only use its own permission set."
  type        = map(string)

  validation {
    condition     = alltrue([for k in keys(var.function_role_arns) : contains(["trail-guard", "org-guard", "root-guard", "guardduty-guard"], k)])
    error_message = "function_role_arns keys must be function names (trail-guard, org-guard, root-guard, guardduty-guard)."
  }
  validation {
    condition     = alltrue([for v in values(var.function_role_arns) : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", v))])
    error_message = "function_role_arns values must be IAM role ARNs."
  }
}

variable "remediation_role_name" {
  description = "Name of the remediation role (the policy file's remediation_role). The functions assume exactly this name."
  type        = string
  default     = "DriftguardRemediation"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.remediation_role_name))
    error_message = "remediation_role_name must be a valid IAM role name."
  }
}

variable "session_prefix" {
  description = "The prefix of driftguard's role session names (\"driftguard-<function>-<event id>\"). Each function may only open sessions named after itself, and each permission set only works in sessions of its function."
  type        = string
  default     = "driftguard-"
}

variable "cloudtrail_cloudwatch_logs_role_arns" {
  description = "CloudWatch Logs delivery roles declared in the policy file for trails of this account (cloudwatch_logs_role_arn): trail-guard may pass them when it recreates or restores a trail."
  type        = list(string)
  default     = []
}

variable "required_policy_types" {
  description = "The policy file's [organization] required_policy_types: the policy types org-guard may re-enable on the root (organizations:EnablePolicyType is allowed for these only)."
  type        = list(string)
  default     = ["SERVICE_CONTROL_POLICY"]

  validation {
    condition     = length(var.required_policy_types) > 0 && alltrue([for t in var.required_policy_types : contains(["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "TAG_POLICY", "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY", "DECLARATIVE_POLICY_EC2"], t)])
    error_message = "required_policy_types must be Organizations policy types (SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY, TAG_POLICY, BACKUP_POLICY, AISERVICES_OPT_OUT_POLICY, DECLARATIVE_POLICY_EC2)."
  }
}

variable "create_forwarder" {
  description = "Create the forwarding rule in this provider's region (us-east-1: Organizations, IAM and sign-in events only reach EventBridge there). Other regions: the forwarder module with create_role = false and role_arn = forwarder_role_arn."
  type        = bool
  default     = true
}

variable "forwarder_name" {
  description = "Name of the forwarding rule and of its role; the Audit bus policy admits the role by this name (audit module forwarder_role_names)."
  type        = string
  default     = "driftguard-forward"
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
