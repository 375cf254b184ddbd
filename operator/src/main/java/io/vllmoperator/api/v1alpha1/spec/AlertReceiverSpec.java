package io.vllmoperator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * One notification target. Credentials are Secret references only: they are copied into the
 * AlertmanagerConfig and read by prometheus-operator, never by this operator.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "(has(self.webhook) ? 1 : 0) + (has(self.pagerduty) ? 1 : 0) + (has(self.slack) ? 1 : 0) == 1",
    message =
        "spec.monitoring.alertRouting: each receiver sets exactly one of webhook, pagerduty or slack")
public class AlertReceiverSpec {
  @JsonPropertyDescription("A webhook (POST of Alertmanager's JSON payload).")
  private Webhook webhook;

  @JsonPropertyDescription("A PagerDuty service (Events API v2).")
  private PagerDuty pagerduty;

  @JsonPropertyDescription("A Slack channel (incoming webhook).")
  private Slack slack;

  public Webhook getWebhook() {
    return webhook;
  }

  public void setWebhook(Webhook webhook) {
    this.webhook = webhook;
  }

  public PagerDuty getPagerduty() {
    return pagerduty;
  }

  public void setPagerduty(PagerDuty pagerduty) {
    this.pagerduty = pagerduty;
  }

  public Slack getSlack() {
    return slack;
  }

  public void setSlack(Slack slack) {
    this.slack = slack;
  }

  /** A webhook whose URL is in a Secret. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Webhook {
    @Required
    @JsonPropertyDescription(
        "Secret key holding the webhook URL (it often carries a token, so it is never in the spec).")
    private SecretKeyRef urlSecret;

    public SecretKeyRef getUrlSecret() {
      return urlSecret;
    }

    public void setUrlSecret(SecretKeyRef urlSecret) {
      this.urlSecret = urlSecret;
    }
  }

  /** A PagerDuty integration whose routing key is in a Secret. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PagerDuty {
    @Required
    @JsonPropertyDescription("Secret key holding the PagerDuty integration (routing) key.")
    private SecretKeyRef routingKeySecret;

    public SecretKeyRef getRoutingKeySecret() {
      return routingKeySecret;
    }

    public void setRoutingKeySecret(SecretKeyRef routingKeySecret) {
      this.routingKeySecret = routingKeySecret;
    }
  }

  /** A Slack incoming webhook whose URL is in a Secret. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Slack {
    @Required
    @JsonPropertyDescription("Secret key holding the Slack incoming-webhook URL.")
    private SecretKeyRef apiURLSecret;

    @Size(max = 80)
    @Pattern("^[#@]?[^\\x00-\\x20\\x7F]+$")
    @JsonPropertyDescription(
        "Channel or user to post to, e.g. #llm-alerts. Default: the webhook's own channel.")
    private String channel;

    public SecretKeyRef getApiURLSecret() {
      return apiURLSecret;
    }

    public void setApiURLSecret(SecretKeyRef apiURLSecret) {
      this.apiURLSecret = apiURLSecret;
    }

    public String getChannel() {
      return channel;
    }

    public void setChannel(String channel) {
      this.channel = channel;
    }
  }
}
