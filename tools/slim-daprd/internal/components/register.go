// Package components registers the Dapr components the platform's manifests name, and no others.
package components

import (
	"github.com/dapr/components-contrib/bindings/azure/signalr"
	"github.com/dapr/components-contrib/bindings/cron"
	redislock "github.com/dapr/components-contrib/lock/redis"
	"github.com/dapr/components-contrib/nameresolution/sqlite"
	redispubsub "github.com/dapr/components-contrib/pubsub/redis"
	"github.com/dapr/components-contrib/secretstores/local/env"
	"github.com/dapr/components-contrib/secretstores/local/file"
	redisstate "github.com/dapr/components-contrib/state/redis"
	bindingsLoader "github.com/dapr/dapr/pkg/components/bindings"
	lockLoader "github.com/dapr/dapr/pkg/components/lock"
	nrLoader "github.com/dapr/dapr/pkg/components/nameresolution"
	pubsubLoader "github.com/dapr/dapr/pkg/components/pubsub"
	secretstoresLoader "github.com/dapr/dapr/pkg/components/secretstores"
	stateLoader "github.com/dapr/dapr/pkg/components/state"
)

func init() {
	pubsubLoader.DefaultRegistry.RegisterComponent(redispubsub.NewRedisStreams, "redis")
	stateLoader.DefaultRegistry.RegisterComponent(redisstate.NewRedisStateStore, "redis")
	lockLoader.DefaultRegistry.RegisterComponent(redislock.NewStandaloneRedisLock, "redis")
	// sqlite is the resolver that works between several sidecars on loopback without multicast.
	nrLoader.DefaultRegistry.RegisterComponent(sqlite.NewResolver, "sqlite")
	bindingsLoader.DefaultRegistry.RegisterOutputBinding(signalr.NewSignalR, "azure.signalr")
	bindingsLoader.DefaultRegistry.RegisterInputBinding(cron.NewCron, "cron")
	secretstoresLoader.DefaultRegistry.RegisterComponent(env.NewEnvSecretStore, "local.env")
	secretstoresLoader.DefaultRegistry.RegisterComponent(file.NewLocalSecretStore, "local.file")
}
