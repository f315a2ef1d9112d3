output "eventbridge_rule_names" {
  description = "EventBridge rules that send KMS events to the bot."
  value       = [for r in alicloud_event_bridge_rule.bot : r.rule_name]
}

output "cloudmonitor_rule_name" {
  description = "CloudMonitor event rule with the bot's webhook, when cloudmonitor_webhook is on."
  value       = one(alicloud_cms_event_rule.bot[*].rule_name)
}
