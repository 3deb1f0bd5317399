variable "name_prefix" {
  description = "Prefix of every resource name (functions are \"<prefix>-<function>\")."
  type        = string
  default     = "driftguard"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name_prefix))
    error_message = "name_prefix must be 2-31 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "organization_id" {
  description = "The AWS Organization id (o-...). Only the forwarding roles (forwarder_role_names) of this organization's accounts may put events on the bus."
  type        = string

  validation {
    condition     = can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must look like o-a1b2c3d4e5."
  }
}

variable "forwarder_role_names" {
  description = "Names (IAM ArnLike patterns within the name) of the roles the forwarding rules of other accounts use to put events on the bus: only their sessions, in accounts of the organization, may call events:PutEvents on it. The defaults are the member StackSet's DriftguardForwarder-<region> (template parameter ForwarderRoleNamePrefix) and the management module's forwarder_name; add the role of any forwarder module created with create_role = true (\"<name>-<region>\")."
  type        = list(string)
  default     = ["DriftguardForwarder-*", "driftguard-forward"]

  validation {
    condition     = length(var.forwarder_role_names) > 0 && alltrue([for n in var.forwarder_role_names : can(regex("^[A-Za-z0-9+=,.@_*?-]{1,64}$", n)) && n != "*"])
    error_message = "forwarder_role_names must be IAM role names (wildcards * and ? allowed within a name, but not \"*\" alone)."
  }
}

variable "management_account_id" {
  description = "The organization's management account id (org-guard assumes the remediation role there)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.management_account_id))
    error_message = "management_account_id must be 12 digits."
  }
}

variable "remediation_role_name" {
  description = "Name of the role driftguard assumes in every account (the policy file's remediation_role). The member StackSet and the management module create it."
  type        = string
  default     = "DriftguardRemediation"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.remediation_role_name))
    error_message = "remediation_role_name must be a valid IAM role name."
  }
}

variable "functions" {
  description = "Which functions to deploy (trail-guard, org-guard, root-guard, guardduty-guard)."
  type        = set(string)
  default     = ["trail-guard", "org-guard", "root-guard", "guardduty-guard"]

  validation {
    condition     = length(setsubtract(var.functions, ["trail-guard", "org-guard", "root-guard", "guardduty-guard"])) == 0
    error_message = "functions may only name trail-guard, org-guard, root-guard and guardduty-guard."
  }
}

variable "artifacts_dir" {
  description = "Directory holding <function>.zip for every function, as written by scripts/package.sh (bootstrap + policy.toml + the documents it references)."
  type        = string
  default     = null
}

variable "function_zips" {
  description = "Per-function zip path, overriding artifacts_dir for the functions listed."
  type        = map(string)
  default     = {}
}

variable "event_bus_name" {
  description = "Name of the custom event bus every account forwards to."
  type        = string
  default     = "driftguard"
}

variable "memory_size" {
  description = "Memory of every function, in MB."
  type        = number
  default     = 128
}

variable "timeout" {
  description = "Timeout of every function, in seconds (remediation assumes a role and makes a few API calls; org-guard resolves OU paths on a cold start)."
  type        = number
  default     = 60

  validation {
    condition     = var.timeout >= 10 && var.timeout <= 900
    error_message = "timeout must be between 10 and 900 seconds."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrency per function (caps the blast radius of an event storm). Null: unreserved (accounts with the default quota of 10 cannot reserve any)."
  type        = number
  default     = null
}

variable "log_level" {
  description = "RUST_LOG of every function."
  type        = string
  default     = "info"
}

variable "policy_path" {
  description = "DRIFTGUARD_POLICY: path of the policy file inside the function. Null: the functions read $LAMBDA_TASK_ROOT/policy.toml (where scripts/package.sh puts it)."
  type        = string
  default     = null
}

variable "maximum_retry_attempts" {
  description = "Lambda retries of a failed asynchronous invocation before it goes to the DLQ (0-2)."
  type        = number
  default     = 2

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 2
    error_message = "maximum_retry_attempts must be 0, 1 or 2."
  }
}

variable "maximum_event_age_in_seconds" {
  description = "Maximum age of an event Lambda still retries (60-21600); older events go to the DLQ."
  type        = number
  default     = 3600

  validation {
    condition     = var.maximum_event_age_in_seconds >= 60 && var.maximum_event_age_in_seconds <= 21600
    error_message = "maximum_event_age_in_seconds must be between 60 and 21600."
  }
}

variable "dlq_message_retention_seconds" {
  description = "How long a DLQ keeps a failed event (max 14 days)."
  type        = number
  default     = 1209600
}

variable "log_retention_days" {
  description = "Retention of the functions' log groups (the remediation records), in days."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ..., 365, ..., 3653)."
  }
}

variable "kms_key_deletion_window_in_days" {
  description = "Waiting period before the module's KMS key is deleted after destroy."
  type        = number
  default     = 30
}

variable "alert_emails" {
  description = "Email addresses subscribed to the alert topic (each must confirm the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alert_emails must be email addresses."
  }
}

variable "slack" {
  description = "Optional AWS Chatbot Slack channel for the alert topic. The Slack workspace must first be authorized in the AWS Chatbot console (it gives the team id)."
  type = object({
    team_id            = string
    channel_id         = string
    configuration_name = optional(string, "driftguard-alerts")
    logging_level      = optional(string, "ERROR")
  })
  default = null
}

variable "alarms_enabled" {
  description = "Create CloudWatch alarms (DLQ depth and function errors) that notify the alert topic."
  type        = bool
  default     = true
}

variable "forward_guardduty_findings" {
  description = "Forward GuardDuty findings from this account's default bus (the GuardDuty delegated administrator's) to the driftguard bus in this region. Other regions: the forwarder module with guardduty_finding_pattern_json, create_role = false and role_arn = forwarder_role_arn."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
