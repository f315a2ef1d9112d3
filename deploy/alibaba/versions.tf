terraform {
  required_version = ">= 1.3"
  required_providers {
    alicloud = {
      source  = "aliyun/alicloud"
      version = ">= 1.211.1" # webhook_parameters on alicloud_cms_event_rule
    }
  }
}

provider "alicloud" {
  region = var.region
}
