// dm-exporter's alerting rules with their configuration: prometheusRules.
(import 'config.libsonnet') + (import 'alerts.libsonnet')
