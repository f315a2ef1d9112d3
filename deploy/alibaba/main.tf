# secrets-bot: event wiring for Alibaba Cloud KMS secrets, as Terraform.
#
# Two EventBridge rules on the default bus send the KMS events the bot acts on to
# POST <bot_url>/events/alibaba?token=<ingest_token>:
# - kms-cloudmonitor: secret rotation failed / succeeded (CloudMonitor system events as CloudEvents);
# - kms-actiontrail: successful DeleteSecret, RestoreSecret, RotateSecret calls (ActionTrail).
# Optionally (cloudmonitor_webhook), a CloudMonitor event-triggered alert rule calls the bot directly.
#
# The filter patterns live in patterns/*.json so that test/unit/deploy/event-patterns.test.ts can
# check them against src/events/normalize-alibaba-*.ts: they match exactly the events the bot turns
# into alerts.
#
#   cd deploy/alibaba && terraform init
#   terraform apply -var region=cn-hangzhou -var bot_url=https://bot.example.com -var ingest_token=<INGEST_TOKEN>

locals {
  bot_endpoint = "${var.bot_url}/events/alibaba?token=${urlencode(var.ingest_token)}"
  target_type  = startswith(var.bot_url, "https://") ? "https" : "http"
  rules = merge(
    var.eventbridge_rotation_events ? { "kms-cloudmonitor" = "KMS secret rotation failed or succeeded (CloudMonitor)" } : {},
    { "kms-actiontrail" = "KMS DeleteSecret, RestoreSecret, RotateSecret (ActionTrail)" },
  )
}

resource "alicloud_event_bridge_rule" "bot" {
  for_each = local.rules

  event_bus_name = var.event_bus_name
  rule_name      = "${var.name_prefix}-${each.key}"
  description    = "secrets-bot: ${each.value}"
  status         = "ENABLE"
  filter_pattern = file("${path.module}/patterns/${each.key}.json")

  targets {
    target_id           = "secrets-bot"
    type                = local.target_type
    endpoint            = local.bot_endpoint
    push_retry_strategy = "EXPONENTIAL_DECAY_RETRY" # 176 tries over a day; the bot answers 503 while it cannot store

    param_list {
      resource_key = "url"
      form         = "CONSTANT"
      value        = local.bot_endpoint
    }
    param_list {
      resource_key = "Body"
      form         = "ORIGINAL" # the whole CloudEvent, as the bot expects it
    }
    param_list {
      resource_key = "Network"
      form         = "CONSTANT"
      value        = "PublicNetwork"
    }
  }
}

resource "alicloud_cms_event_rule" "bot" {
  count = var.cloudmonitor_webhook ? 1 : 0

  rule_name   = "${var.name_prefix}-kms-rotation"
  description = "secrets-bot: KMS secret rotation failed or succeeded"
  status      = "ENABLED"

  event_pattern {
    product         = "kms"
    name_list       = jsondecode(file("${path.module}/patterns/cloudmonitor-event-names.json"))
    level_list      = ["*"]
    event_type_list = ["*"]
  }

  webhook_parameters {
    webhook_parameters_id = "secrets-bot"
    protocol              = "http" # CloudMonitor's name for HTTP(S) callbacks
    method                = "POST"
    url                   = local.bot_endpoint
  }
}
