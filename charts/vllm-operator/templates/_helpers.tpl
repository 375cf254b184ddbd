{{/*
Chart name, truncated to 63 characters (the DNS label limit).
*/}}
{{- define "vllm-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name: <release>-<chart>, or the release name alone when it already
contains the chart name. Truncated to 63 characters.
*/}}
{{- define "vllm-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, as used by the helm.sh/chart label.
*/}}
{{- define "vllm-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels, on every object of the release.
*/}}
{{- define "vllm-operator.labels" -}}
helm.sh/chart: {{ include "vllm-operator.chart" . }}
{{ include "vllm-operator.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: vllm-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels: stable across upgrades (a Deployment's selector is immutable).
*/}}
{{- define "vllm-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vllm-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of the ServiceAccount the operator runs as.
*/}}
{{- define "vllm-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "vllm-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Operator image reference; the tag defaults to the chart's appVersion.
*/}}
{{- define "vllm-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag | toString) }}
{{- end }}

{{/*
Name of the leader election Lease: one per release, so two releases in one namespace never share it.
*/}}
{{- define "vllm-operator.leaseName" -}}
{{- printf "%s-leader" (include "vllm-operator.fullname" .) }}
{{- end }}

{{/*
Namespace of the log shipping ConfigMaps and the optional Alloy DaemonSet: where the collector
runs, since a pod can only mount a ConfigMap of its own namespace.
*/}}
{{- define "vllm-operator.logShippingNamespace" -}}
{{- default .Release.Namespace .Values.logShipping.namespace }}
{{- end }}

{{/*
Labels of the Alloy DaemonSet and its pods. Its own name and component, so that the operator's
Deployment, PodDisruptionBudget and Service (selector: vllm-operator.selectorLabels) never
select the log collector's pods.
*/}}
{{- define "vllm-operator.alloySelectorLabels" -}}
app.kubernetes.io/name: alloy
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: log-shipper
{{- end }}

{{- define "vllm-operator.alloyLabels" -}}
helm.sh/chart: {{ include "vllm-operator.chart" . }}
{{ include "vllm-operator.alloySelectorLabels" . }}
app.kubernetes.io/part-of: vllm-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
runbook_url of one of the operator's alerts: <metrics.prometheusRule.runbookBaseUrl>/<AlertName>,
by default the page in this repository's alerts/runbooks/ (as the operator does for model alerts).
Takes (dict "root" $ "alert" <AlertName>).
*/}}
{{- define "vllm-operator.runbookUrl" -}}
{{- with .root.Values.metrics.prometheusRule.runbookBaseUrl }}
{{- printf "%s/%s" (trimSuffix "/" .) $.alert }}
{{- else }}
{{- printf "https://github.com/vllm-operator/vllm-operator/blob/main/alerts/runbooks/%s.md" .alert }}
{{- end }}
{{- end }}
