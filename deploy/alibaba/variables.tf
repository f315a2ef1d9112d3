variable "region" {
  description = "Region of the KMS secrets to watch (EventBridge rules are regional), e.g. cn-hangzhou."
  type        = string
}

variable "bot_url" {
  description = "The bot's base URL (its PUBLIC_URL), without a trailing slash, e.g. https://bot.example.com. Events go to <bot_url>/events/alibaba."
  type        = string
  validation {
    condition     = can(regex("^https?://[^?#[:space:]]*[^/?#[:space:]]$", var.bot_url))
    error_message = "bot_url must be an http(s) base URL without a trailing slash, query or fragment."
  }
}

variable "ingest_token" {
  description = "The bot's INGEST_TOKEN. EventBridge and CloudMonitor callbacks cannot send an Authorization header here, so it travels as ?token= (use HTTPS). It is kept in the Terraform state: protect the state."
  type        = string
  sensitive   = true
  validation {
    condition     = length(var.ingest_token) >= 16
    error_message = "ingest_token must be the bot's INGEST_TOKEN (at least 16 characters)."
  }
}

variable "event_bus_name" {
  description = "Event bus that receives Alibaba Cloud service events; KMS events arrive on the default bus."
  type        = string
  default     = "default"
}

variable "name_prefix" {
  description = "Prefix of the rule names."
  type        = string
  default     = "secrets-bot"
}

variable "cloudmonitor_webhook" {
  description = "Also create a CloudMonitor event-triggered alert rule with a webhook to the bot, for accounts without EventBridge. It delivers the same rotation events as the kms-cloudmonitor EventBridge rule: enable one of the two paths for rotation events, not both."
  type        = bool
  default     = false
}

variable "eventbridge_rotation_events" {
  description = "Create the EventBridge rule for KMS CloudMonitor rotation events. Turn off when cloudmonitor_webhook delivers them."
  type        = bool
  default     = true
}
