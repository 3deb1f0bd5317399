variable "moto_endpoint" {
  description = "URL of the moto server scripts/infra-test.sh started (http://127.0.0.1:PORT)."
  type        = string
}

variable "artifacts_dir" {
  description = "Directory of placeholder <function>.zip files (moto creates functions without running them)."
  type        = string
}

variable "management_account_id" {
  description = "The management account (moto account the management module is applied in)."
  type        = string
  default     = "111111111111"
}

variable "audit_account_id" {
  description = "The Audit account (moto account the audit module is applied in)."
  type        = string
  default     = "222222222222"
}
