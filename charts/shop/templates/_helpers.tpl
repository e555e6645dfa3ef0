{{/* The prefix of every object's name. */}}
{{- define "shop.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* The name of one service's objects: (list $ "identity") */}}
{{- define "shop.serviceName" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" (include "shop.fullname" $root) (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "shop.commonLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: shop
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Labels of one service's objects: (list $ "identity") */}}
{{- define "shop.serviceLabels" -}}
{{- $root := index . 0 -}}
{{ include "shop.commonLabels" $root }}
app.kubernetes.io/name: {{ index . 1 }}
app.kubernetes.io/component: service
{{- end -}}

{{- define "shop.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/name: {{ index . 1 }}
{{- end -}}

{{/* One service's image: (list $ "identity" $service) */}}
{{- define "shop.image" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $image := (index . 2).image | default dict -}}
{{- $repository := $image.repository | default (printf "%s%s" $root.Values.image.namePrefix $name) -}}
{{- if and (not $image.repository) $root.Values.image.registry -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" $root.Values.image.registry) $repository -}}
{{- end -}}
{{- printf "%s:%s" $repository ($image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion) -}}
{{- end -}}

{{- define "shop.secretName.jwtKeys" -}}
{{- .Values.secrets.jwtKeys.existingSecret | default (printf "%s-jwt-keys" (include "shop.fullname" .)) -}}
{{- end -}}
{{- define "shop.secretName.cardFingerprint" -}}
{{- .Values.secrets.cardFingerprint.existingSecret | default (printf "%s-card-fingerprint" (include "shop.fullname" .)) -}}
{{- end -}}
{{- define "shop.secretName.admin" -}}
{{- .Values.secrets.admin.existingSecret | default (printf "%s-admin" (include "shop.fullname" .)) -}}
{{- end -}}
{{- define "shop.secretName.hub" -}}
{{- .Values.secrets.hub.existingSecret | default (printf "%s-hub" (include "shop.fullname" .)) -}}
{{- end -}}
{{- define "shop.secretName.smtp" -}}
{{- .Values.secrets.smtp.existingSecret | default (printf "%s-smtp" (include "shop.fullname" .)) -}}
{{- end -}}
{{- define "shop.secretName.sms" -}}
{{- .Values.secrets.sms.existingSecret | default (printf "%s-sms" (include "shop.fullname" .)) -}}
{{- end -}}

{{/*
"true" when the notifications service sends SMS: notifications.sms.apiUrl is set, and with it the sender and the
credentials (a half-configured provider would fail every message, so it stops the render instead).
*/}}
{{- define "shop.smsEnabled" -}}
{{- $sms := .Values.notifications.sms -}}
{{- $credentials := or .Values.secrets.sms.existingSecret .Values.secrets.sms.accountSid .Values.secrets.sms.authToken -}}
{{- if $sms.apiUrl -}}
{{- $_ := required "notifications.sms.from is required with notifications.sms.apiUrl: the sender of every SMS (SMS_FROM)." $sms.from -}}
{{- if not .Values.secrets.sms.existingSecret -}}
{{- $_ := required "secrets.sms.accountSid is required with notifications.sms.apiUrl (SMS_ACCOUNT_SID). Or name a Secret holding SMS_ACCOUNT_SID and SMS_AUTH_TOKEN with secrets.sms.existingSecret." .Values.secrets.sms.accountSid -}}
{{- $_ := required "secrets.sms.authToken is required with notifications.sms.apiUrl (SMS_AUTH_TOKEN). Or use secrets.sms.existingSecret." .Values.secrets.sms.authToken -}}
{{- end -}}
true
{{- else if or $sms.from $credentials -}}
{{- fail "notifications.sms.apiUrl is required when the SMS sender or credentials are given (SMS is off without it)" -}}
{{- end -}}
{{- end -}}

{{- define "shop.secretName.databases" -}}
{{- .Values.secrets.databases.existingSecret | default (printf "%s-databases" (include "shop.fullname" .)) -}}
{{- end -}}

{{/* The identity service's JWKS, through its Service, unless auth.jwksUrl says otherwise. */}}
{{- define "shop.jwksUrl" -}}
{{- .Values.auth.jwksUrl | default (printf "http://%s.%s.svc.cluster.local/api/auth/jwks" (include "shop.serviceName" (list . "identity")) .Release.Namespace) -}}
{{- end -}}

{{/* The hub's Azure SignalR endpoint inside the cluster: its Service (HUB_ENDPOINT, the binding's endpoint). */}}
{{- define "shop.hubEndpoint" -}}
{{- printf "http://%s.%s.svc.cluster.local" (include "shop.serviceName" (list . "hub")) .Release.Namespace -}}
{{- end -}}

{{/*
The Dapr output binding (bindings.azure.signalr) the notifications service pushes in-app notifications through, and
the analytics service the dashboard's live figures: components/hub-signalr.yaml's name, the services' HUB_BINDING
default.
*/}}
{{- define "shop.hubBinding" -}}
hub-signalr
{{- end -}}

{{/*
The enabled apps that send through the hub binding (each names its hub per send), as JSON: none without the hub.
*/}}
{{- define "shop.hubBindingApps" -}}
{{- $apps := list -}}
{{- if (index .Values.services "hub").enabled -}}
{{- range $name := list "notifications" "analytics" -}}
{{- $service := index $.Values.services $name -}}
{{- if and $service $service.enabled -}}
{{- $apps = append $apps $name -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toJson $apps -}}
{{- end -}}

{{/* Percent-encodes a URL userinfo part (urlquery writes a space as "+", which a URL's userinfo keeps literally). */}}
{{- define "shop.userinfo" -}}
{{- urlquery . | replace "+" "%20" -}}
{{- end -}}

{{/* One service's DATABASE_URL from its values: (list $ "identity" $service) */}}
{{- define "shop.databaseUrl" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $db := (index . 2).database -}}
{{- if $db.url -}}
{{- $db.url -}}
{{- else -}}
{{- $host := $db.host | default $root.Values.sqlServer.host | required (printf "services.%s.database.host (or sqlServer.host, or services.%s.database.url) is required: the SQL Server %s connects to. Or name a Secret of DATABASE_URLs with secrets.databases.existingSecret." $name $name $name) -}}
{{- $user := $db.user | required (printf "services.%s.database.user is required: the SQL Server login of %s (no default). Or set services.%s.database.url, or secrets.databases.existingSecret." $name $name $name) -}}
{{- $password := $db.password | required (printf "services.%s.database.password is required: the password of %s's SQL Server login (no default). Or set services.%s.database.url, or secrets.databases.existingSecret." $name $name $name) -}}
{{- $database := $db.name | default $name -}}
{{- printf "mssql://%s:%s@%s:%d/%s?encrypt=%t&trustServerCertificate=%t" (include "shop.userinfo" $user) (include "shop.userinfo" $password) $host (int $root.Values.sqlServer.port) (urlquery $database) $root.Values.sqlServer.encrypt $root.Values.sqlServer.trustServerCertificate -}}
{{- end -}}
{{- end -}}

{{/* The services that are enabled, as a list of names in a stable order. */}}
{{- define "shop.enabledServices" -}}
{{- $names := list -}}
{{- range $name, $service := .Values.services -}}
{{- if $service.enabled -}}{{- $names = append $names $name -}}{{- end -}}
{{- end -}}
{{- toJson $names -}}
{{- end -}}

{{/* The paths of a service the Ingress routes: its public paths, never one under ingress.internalOnlyPaths. */}}
{{- define "shop.ingressPaths" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $service := index . 2 -}}
{{- range $path := $service.publicPaths -}}
{{- if and (contains "*" $path) (not $root.Values.gateway.enabled) -}}
{{- fail (printf "services.%s.publicPaths holds %s: a `*` segment (a sub-path of another service's path) is routed by the gateway only, an Ingress rule cannot hold it. Enable the gateway or disable services.%s" $name $path $name) -}}
{{- end -}}
{{- range $internal := $root.Values.ingress.internalOnlyPaths -}}
{{- if or (eq $path $internal) (hasPrefix (printf "%s/" $internal) $path) -}}
{{- fail (printf "services.%s.publicPaths holds %s, which is under ingress.internalOnlyPaths (%s): it must stay inside the cluster" $name $path $internal) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toJson $service.publicPaths -}}
{{- end -}}

{{/* Redis connection metadata shared by the pub/sub and state store components. */}}
{{- define "shop.redisAuth" -}}
{{- $redis := .Values.dapr.redis -}}
{{- if $redis.passwordSecret.name -}}
- name: redisPassword
  secretKeyRef:
    name: {{ $redis.passwordSecret.name }}
    key: {{ required "dapr.redis.passwordSecret.key is required with dapr.redis.passwordSecret.name" $redis.passwordSecret.key }}
{{ end -}}
{{- if $redis.enableTLS -}}
- name: enableTLS
  value: "true"
{{ end -}}
{{- end -}}

{{/* The tables of mesh-policy.yaml (packages/contracts/src/mesh-policy.ts): eventFlows and invocations. */}}
{{- define "shop.meshPolicy" -}}
{{- .Files.Get "mesh-policy.yaml" | required "mesh-policy.yaml is missing from the chart" -}}
{{- end -}}

{{/* An app's own dead-letter topic (deadLetterTopicOf in mesh-policy.ts). */}}
{{- define "shop.deadLetterTopic" -}}
{{- printf "deadletter.%s" . -}}
{{- end -}}

{{/* The topics an app may publish: those it owns and its dead-letter topic (publishedBy): (list $ "catalog") */}}
{{- define "shop.publishedBy" -}}
{{- $root := index . 0 -}}
{{- $app := index . 1 -}}
{{- $topics := list -}}
{{- range $topic, $flow := (include "shop.meshPolicy" $root | fromYaml).eventFlows -}}
{{- if eq $flow.publisher $app -}}{{- $topics = append $topics $topic -}}{{- end -}}
{{- end -}}
{{- toJson (append $topics (include "shop.deadLetterTopic" $app)) -}}
{{- end -}}

{{/* The topics an app may subscribe to: those it consumes and its dead-letter topic (subscribedBy). */}}
{{- define "shop.subscribedBy" -}}
{{- $root := index . 0 -}}
{{- $app := index . 1 -}}
{{- $topics := list -}}
{{- range $topic, $flow := (include "shop.meshPolicy" $root | fromYaml).eventFlows -}}
{{- if has $app $flow.subscribers -}}{{- $topics = append $topics $topic -}}{{- end -}}
{{- end -}}
{{- toJson (append $topics (include "shop.deadLetterTopic" $app)) -}}
{{- end -}}

{{/* The invocations an app receives, from enabled callers: (list $ "catalog") */}}
{{- define "shop.invocationsInto" -}}
{{- $root := index . 0 -}}
{{- $app := index . 1 -}}
{{- $enabled := include "shop.enabledServices" $root | fromJsonArray -}}
{{- $into := list -}}
{{- range $invocation := (include "shop.meshPolicy" $root | fromYaml).invocations -}}
{{- if and (eq $invocation.callee $app) (has $invocation.caller $enabled) -}}{{- $into = append $into $invocation -}}{{- end -}}
{{- end -}}
{{- toJson $into -}}
{{- end -}}

{{/* The Dapr Configuration of one app (its dapr.io/config annotation): (list $ "catalog") */}}
{{- define "shop.daprConfigName" -}}
{{- printf "%s-dapr-%s" (include "shop.fullname" (index . 0)) (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The Secret (key `token`, the only key Dapr's injector reads) of one app's token: (list $ "catalog" "dapr-api")
for DAPR_API_TOKEN (app → its daprd), (list $ "catalog" "app-api") for APP_API_TOKEN (daprd → its app).
*/}}
{{- define "shop.meshTokenSecret" -}}
{{- $root := index . 0 -}}
{{- $app := index . 1 -}}
{{- $kind := index . 2 -}}
{{- $existing := index $root.Values.secrets.meshTokens.existingSecrets $app | default dict -}}
{{- $named := ternary $existing.daprApiToken $existing.appApiToken (eq $kind "dapr-api") -}}
{{- $named | default (printf "%s-%s-%s-token" (include "shop.fullname" $root) $app $kind | trunc 63 | trimSuffix "-") -}}
{{- end -}}

{{/*
The token of one of the chart's token Secrets: (list $ "catalog" "dapr-api"). The one given in
secrets.meshTokens.values, else the one already in the cluster (so upgrades keep it and a pod's app and sidecar
keep agreeing), else 64 new random characters.
*/}}
{{- define "shop.meshTokenValue" -}}
{{- $root := index . 0 -}}
{{- $app := index . 1 -}}
{{- $kind := index . 2 -}}
{{- $given := index $root.Values.secrets.meshTokens.values $app | default dict -}}
{{- $value := ternary $given.daprApiToken $given.appApiToken (eq $kind "dapr-api") -}}
{{- if $value -}}
{{- $value -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" $root.Release.Namespace (include "shop.meshTokenSecret" .) -}}
{{- if and $existing $existing.data $existing.data.token -}}
{{- $existing.data.token | b64dec -}}
{{- else -}}
{{- randAlphaNum 64 -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The pods of the release's services (not the gateway). */}}
{{- define "shop.servicePodSelector" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: service
{{- end -}}

{{/*
How many proxies stand between a client and a service's public paths: the Ingress controller, then the gateway
(which the Ingress sends every API through when it is on). TRUSTED_PROXY_HOPS of the identity service.
*/}}
{{- define "shop.proxyHopsToServices" -}}
{{- ternary 2 1 (and .Values.gateway.enabled true) -}}
{{- end -}}

{{/*
The services the Ingress sends requests to directly: the hub (its Ingress pins a client to one replica, which the
gateway could not), and every service when there is no gateway to send them through.
*/}}
{{- define "shop.ingressReachedServices" -}}
{{- $reached := list -}}
{{- range $name := include "shop.enabledServices" . | fromJsonArray -}}
{{- if or (eq $name "hub") (not $.Values.gateway.enabled) -}}{{- $reached = append $reached $name -}}{{- end -}}
{{- end -}}
{{- toJson $reached -}}
{{- end -}}

{{/* Where the sidecars and the services export traces (OTLP/gRPC host:port): dapr.tracing.otlpEndpoint, else the
chart's Jaeger when jaeger.enabled, else nothing (empty: no exporter). */}}
{{- define "shop.otlpEndpoint" -}}
{{- if .Values.dapr.tracing.otlpEndpoint -}}
{{- .Values.dapr.tracing.otlpEndpoint -}}
{{- else if .Values.jaeger.enabled -}}
{{- printf "%s.%s.svc.cluster.local:4317" (include "shop.serviceName" (list . "jaeger")) .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/* The OTEL_* variables of a service's or the gateway's container: the OpenTelemetry SDK reads them (the kit turns
tracing on when the endpoint is set). Nothing when no endpoint. */}}
{{- define "shop.otlpEnv" -}}
{{- with include "shop.otlpEndpoint" . }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ printf "http://%s" . | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: grpc
{{- end }}
{{- end -}}

{{- define "shop.jaegerLabels" -}}
{{ include "shop.commonLabels" . }}
app.kubernetes.io/name: jaeger
app.kubernetes.io/component: tracing
{{- end -}}
