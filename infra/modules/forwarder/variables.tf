variable "name" {
  description = "Name of the EventBridge rule (and prefix of the role's name when the module creates the role)."
  type        = string
  default     = "driftguard-forward"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,52}$", var.name))
    error_message = "name must be 1-52 characters of letters, digits, '.', '_' or '-'."
  }
}

variable "description" {
  description = "Description of the rule."
  type        = string
  default     = "driftguard: forward the events driftguard judges to the Audit account's bus"
}

variable "event_pattern" {
  description = "The event pattern to forward, as a JSON string (see the event-patterns module: forward_pattern_json or guardduty_finding_pattern_json)."
  type        = string

  validation {
    condition     = can(jsondecode(var.event_pattern))
    error_message = "event_pattern must be a JSON document."
  }
}

variable "source_event_bus_name" {
  description = "The bus the rule listens on in this account and region (CloudTrail and GuardDuty deliver to \"default\")."
  type        = string
  default     = "default"
}

variable "target_event_bus_arn" {
  description = "ARN of the driftguard bus in the Audit account (audit module output event_bus_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/.+$", var.target_event_bus_arn))
    error_message = "target_event_bus_arn must be an EventBridge event bus ARN."
  }
}

variable "create_role" {
  description = "Create the role EventBridge assumes to put events on the target bus (named \"<name>-<region>\", allowed only events:PutEvents on it). False: pass role_arn (e.g. one role shared by the forwarders of every region)."
  type        = bool
  default     = true
}

variable "role_arn" {
  description = "Role EventBridge assumes to put events on the target bus, when create_role is false."
  type        = string
  default     = null
}

variable "dead_letter_queue_arn" {
  description = "Optional SQS queue for events EventBridge could not deliver to the target bus after retries (its policy must allow events.amazonaws.com)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
