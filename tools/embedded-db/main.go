// Command embedded-db runs FerretDB (SQLite backend) as a small MongoDB-wire
// server for the complaint desk's default, zero-setup database.
//
// FerretDB's own command cannot be `go install`ed (it panics on a missing
// version file when it is not the main module), so this program embeds
// FerretDB's public embeddable package instead.
//
// It prints exactly one line "ready mongodb://HOST:PORT/" on stdout once the
// listener accepts connections, then serves until SIGTERM/SIGINT, or until
// stdin is closed when -exit-with-parent is set (so an orphaned child never
// outlives the Node process that started it).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (host:port)")
	dataDir := flag.String("data", "data", "directory for the SQLite database files")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	exitWithParent := flag.Bool("exit-with-parent", false, "exit when stdin is closed")
	flag.Parse()

	if err := run(*listen, *dataDir, *logLevel, *exitWithParent); err != nil {
		fmt.Fprintf(os.Stderr, "embedded-db: %v\n", err)
		os.Exit(1)
	}
}

func run(listen, dataDir, logLevel string, exitWithParent bool) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("invalid -log-level %q", logLevel)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return fmt.Errorf("cannot create data directory %s: %w", abs, err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	if exitWithParent {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()

	if err := waitListening(ctx, listen, 30*time.Second); err != nil {
		stop()
		<-done
		return err
	}
	fmt.Printf("ready mongodb://%s/\n", listen)

	<-done
	return nil
}

// waitListening polls the address until a TCP connection succeeds.
func waitListening(ctx context.Context, addr string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = conn.Close()
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not listening on %s after %s: %w", addr, limit, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
