{{/* The prefix of every object: <prefix>-agent, <prefix>-gateway, <prefix>-nats. */}}
{{- define "sysray.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{- define "sysray.selectorLabels" -}}
app.kubernetes.io/name: sysray
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "sysray.labels" -}}
{{ include "sysray.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sysray
{{- end -}}

{{/* repository:tag, the tag defaulting to the chart's appVersion. Call with (dict "image" … "root" $). */}}
{{- define "sysray.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{- define "sysray.tokensSecret" -}}
{{- default (printf "%s-tokens" (include "sysray.fullname" .)) .Values.tokens.existingSecret -}}
{{- end -}}

{{- define "sysray.gatewayHost" -}}
{{- printf "%s-gateway.%s.svc" (include "sysray.fullname" .) .Release.Namespace -}}
{{- end -}}

{{- define "sysray.natsHost" -}}
{{- printf "%s-nats.%s.svc" (include "sysray.fullname" .) .Release.Namespace -}}
{{- end -}}

{{/* The agent's OTLP endpoint: the one given, else this chart's gateway. */}}
{{- define "sysray.agentOtlpEndpoint" -}}
{{- if .Values.agent.otlp.endpoint -}}
{{- .Values.agent.otlp.endpoint -}}
{{- else -}}
{{- printf "%s://%s:4317" (ternary "https" "http" .Values.gateway.tls.enabled) (include "sysray.gatewayHost" .) -}}
{{- end -}}
{{- end -}}
