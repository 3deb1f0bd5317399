variable "organization_id" {
  description = "The AWS Organization id (o-...)."
  type        = string

  validation {
    condition     = can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must look like o-a1b2c3d4e5."
  }
}

variable "management_account_id" {
  description = "The management account id."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.management_account_id))
    error_message = "management_account_id must be 12 digits."
  }
}

variable "audit_account_id" {
  description = "The Audit account id (where the functions run; the GuardDuty delegated administrator)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.audit_account_id))
    error_message = "audit_account_id must be 12 digits."
  }
}

variable "audit_profile" {
  description = "AWS CLI profile with administrator access to the Audit account (null: the environment's credentials)."
  type        = string
  default     = null
}

variable "management_profile" {
  description = "AWS CLI profile with administrator access to the management account (null: the environment's credentials)."
  type        = string
  default     = null
}

variable "home_region" {
  description = "The Audit account's region for the driftguard bus and functions; the member stacks of this region create the remediation role."
  type        = string
  default     = "us-east-1"
}

variable "secondary_region" {
  description = "A second governed region: GuardDuty findings (Audit) and management-account events there are forwarded by the forwarder module. Copy those two module blocks per further region."
  type        = string
  default     = "eu-west-1"
}

variable "governed_regions" {
  description = "Every governed region (the policy file's regions): one member stack per account and region. Must contain home_region and secondary_region."
  type        = list(string)
  default     = ["us-east-1", "eu-west-1"]
}

variable "member_organizational_unit_ids" {
  description = "Where the member StackSet deploys: the root id (r-...) for every account, or OU ids."
  type        = list(string)
}

variable "artifacts_dir" {
  description = "Where scripts/package.sh wrote <function>.zip (relative to this directory or absolute)."
  type        = string
  default     = "../../../dist"
}

variable "alert_emails" {
  description = "Email addresses subscribed to the alert topic."
  type        = list(string)
  default     = []
}

variable "slack_team_id" {
  description = "Slack workspace (team) id authorized in the AWS Chatbot console; null for no Slack channel."
  type        = string
  default     = null
}

variable "slack_channel_id" {
  description = "Slack channel id for alerts (with slack_team_id)."
  type        = string
  default     = null
}

variable "remediation_role_name" {
  description = "The policy file's remediation_role."
  type        = string
  default     = "DriftguardRemediation"
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = { Project = "driftguard" }
}
