// Command daprd is the Dapr sidecar with only the components this platform uses.
//
// Upstream's cmd/daprd/components package registers components behind build tags and panics
// when built without them; tools/build-daprd.sh builds against a copy of the dapr module
// without that panic, so app.Run keeps its logger set-up and SIGHUP (hot reload) loop.
package main

import (
	"github.com/dapr/dapr/cmd/daprd/app"

	_ "github.com/shop-platform/slim-daprd/internal/components"
)

func main() {
	app.Run()
}
