package local

import (
	"embed"
	"encoding/json"
	"io/fs"
	"mime"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
)

// ViewPath is the Alexa view: what Amazon would show of the local run,
// the Smart Home debugger of the developer console and the Alexa app's
// device page with its Supply section.
const ViewPath = "/alexa-view/"

//go:embed alexaview
var viewFiles embed.FS

// viewDevice is a device as the Alexa app shows it.
type viewDevice struct {
	EndpointID   string `json:"endpointId"`
	FriendlyName string `json:"friendlyName"`
	// Properties are the last values Alexa got (responses and
	// ChangeReports), by "namespace.name" or "namespace[instance].name".
	Properties map[string]json.RawMessage `json:"properties"`
	Supply     []viewSlot                 `json:"supply"`
}

// viewSlot is a Supply entry: a Dash slot of the device.
type viewSlot struct {
	Instance    string          `json:"instance"`
	Level       *float64        `json:"level"`
	Threshold   float64         `json:"threshold"`
	AutoReorder bool            `json:"autoReorder"`
	Orders      []viewOrderItem `json:"orders"`
}

type viewOrderItem struct {
	Seq   int     `json:"seq"`
	Level float64 `json:"level"`
	At    string  `json:"at"`
}

// alexaView serves the Alexa view of the demo user's Alexa account.
func (a *App) alexaView() (http.Handler, error) {
	sub, err := fs.Sub(viewFiles, "alexaview")
	if err != nil {
		return nil, err
	}
	files := http.StripPrefix(ViewPath, http.FileServerFS(sub))
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+ViewPath+"api/events", func(w http.ResponseWriter, r *http.Request) {
		after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
		entries := a.dbg.Entries(after)
		if entries == nil {
			entries = []DebugEntry{}
		}
		writeViewJSON(w, entries)
	})
	mux.HandleFunc("GET "+ViewPath+"api/devices", func(w http.ResponseWriter, r *http.Request) {
		writeViewJSON(w, a.viewDevices(DemoUser))
	})
	mux.HandleFunc("POST "+ViewPath+"api/supply", func(w http.ResponseWriter, r *http.Request) {
		// JSON only: another site's page can post a form here, but not
		// application/json without a CORS preflight this server refuses.
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
			http.Error(w, `{"error":"the body must be application/json"}`, http.StatusUnsupportedMediaType)
			return
		}
		var req struct {
			EndpointID  string  `json:"endpointId"`
			Instance    string  `json:"instance"`
			Threshold   float64 `json:"threshold"`
			AutoReorder bool    `json:"autoReorder"`
		}
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil || req.EndpointID == "" || req.Instance == "" || req.Threshold < 0 || req.Threshold > 100 {
			http.Error(w, `{"error":"want endpointId, instance, a threshold from 0 to 100 and autoReorder"}`, http.StatusBadRequest)
			return
		}
		k := alexatest.DashSlotKey{UserID: DemoUser, EndpointID: req.EndpointID, Instance: req.Instance}
		a.Brain.SetThreshold(k, req.Threshold)
		a.Brain.SetAutoReorder(k, req.AutoReorder)
		a.dbg.Dash("the customer set %s %s: reorder at %v%%, auto-reorder %t", req.EndpointID, req.Instance, req.Threshold, req.AutoReorder)
		writeViewJSON(w, a.viewDevices(DemoUser))
	})
	mux.Handle("GET "+ViewPath, files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		mux.ServeHTTP(w, r)
	}), nil
}

func writeViewJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// viewDevices returns userID's devices as Alexa knows them: discovered
// endpoints, the last property values the gateway accepted, and the Dash
// slots with their orders.
func (a *App) viewDevices(userID string) []viewDevice {
	props := map[string]map[string]json.RawMessage{}
	for _, r := range a.Cloud.Events(userID) {
		m := r.Message
		if m == nil || m.Event.Endpoint == nil {
			continue
		}
		id := m.Event.Endpoint.EndpointID
		if props[id] == nil {
			props[id] = map[string]json.RawMessage{}
		}
		all := m.Properties()
		var cr alexa.ChangeReportPayload
		if m.Event.Header.Name == alexa.NameChangeReport && m.DecodePayload(&cr) == nil {
			all = append(all, cr.Change.Properties...)
		}
		for _, p := range all {
			props[id][p.Key().String()] = p.Value
		}
	}
	slots := a.Brain.Slots()
	orders := a.Brain.Orders()
	var out []viewDevice
	for _, id := range a.Cloud.Endpoints(userID) {
		ep, _ := a.Cloud.Endpoint(userID, id)
		d := viewDevice{EndpointID: id, FriendlyName: ep.FriendlyName, Properties: props[id]}
		if d.Properties == nil {
			d.Properties = map[string]json.RawMessage{}
		}
		for _, s := range slots {
			if s.Key.UserID != userID || s.Key.EndpointID != id {
				continue
			}
			vs := viewSlot{Instance: s.Key.Instance, Threshold: s.Threshold, AutoReorder: !s.Manual, Orders: []viewOrderItem{}}
			if s.Reports > 0 {
				v := s.Level.Value
				vs.Level = &v
			}
			for _, o := range orders {
				if o.Slot == s.Key {
					vs.Orders = append(vs.Orders, viewOrderItem{Seq: o.Seq, Level: o.Level.Value, At: o.At.UTC().Format("2006-01-02 15:04:05")})
				}
			}
			d.Supply = append(d.Supply, vs)
		}
		slices.SortFunc(d.Supply, func(x, y viewSlot) int {
			if x.Instance < y.Instance {
				return -1
			}
			return 1
		})
		out = append(out, d)
	}
	if out == nil {
		out = []viewDevice{}
	}
	return out
}
