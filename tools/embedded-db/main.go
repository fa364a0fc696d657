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
//
// It also keeps lookups by _id fast (see indexIDs): FerretDB 1.24 pushes an
// `{_id: x}` filter down to SQLite as `_ferretdb_sjson->'$._id' = ?`, but its
// own _id index is on `_ferretdb_sjson->"_id"`, an expression SQLite's planner
// does not match to the query's, so every such lookup scanned its whole table
// (measured: 6 ms at 1,000 documents of 2 KB, 107 ms at 20,000).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
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
	go indexIDs(ctx, abs, logger, 200*time.Millisecond)
	fmt.Printf("ready mongodb://%s/\n", listen)

	<-done
	return nil
}

// idIndexPrefix names the indexes this program adds (FerretDB names its own <table>_<index>).
const idIndexPrefix = "cdx_id_"

// indexIDs adds, to every collection table of every database file in dir, an SQLite index on
// exactly the expression FerretDB queries _id with, and keeps doing so for tables created
// later. FerretDB does not know of these indexes (it lists indexes from its own metadata), and
// they go when FerretDB drops the table.
func indexIDs(ctx context.Context, dir string, logger *slog.Logger, every time.Duration) {
	open := map[string]*openFile{}
	defer func() {
		for _, f := range open {
			_ = f.db.Close()
		}
	}()
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		seen := map[string]bool{}
		for _, path := range files {
			seen[path] = true
			f, err := reopen(open, path)
			if err != nil {
				continue // being created or dropped right now: next round
			}
			if err := f.ensureIndexes(ctx); err != nil && ctx.Err() == nil {
				logger.Debug("embedded-db: indexing _id", "file", filepath.Base(path), "err", err)
			}
		}
		for path, f := range open {
			if !seen[path] {
				_ = f.db.Close()
				delete(open, path)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

type openFile struct {
	db      *sql.DB
	ino     uint64
	indexed map[string]bool
}

// reopen returns the open handle of path, opening it again if the file was replaced (a database
// dropped and created again is a new file).
func reopen(open map[string]*openFile, path string) (*openFile, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	ino := st.Sys().(*syscall.Stat_t).Ino
	if f := open[path]; f != nil {
		if f.ino == ino {
			return f, nil
		}
		_ = f.db.Close()
		delete(open, path)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	f := &openFile{db: db, ino: ino, indexed: map[string]bool{}}
	open[path] = f
	return f, nil
}

func (f *openFile) ensureIndexes(ctx context.Context) error {
	rows, err := f.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%_ferretdb_sjson%'`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err == nil && !f.indexed[name] {
			tables = append(tables, name)
		}
	}
	_ = rows.Close()
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, idIndexPrefix+t, t)
		if _, err := f.db.ExecContext(ctx, q); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue
			}
			return err
		}
		f.indexed[t] = true
	}
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
