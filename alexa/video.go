package alexa

// NamespaceVideo is the Alexa.Video namespace. It has no directives,
// properties or capability: it exists only as the namespace of an
// ErrorResponse (payloadVersion "3") with which a skill answers a
// directive of the video skill APIs (Alexa.ChannelController,
// Alexa.RecordController, Alexa.RemoteVideoPlayer, ...; see [VideoError])
// that it could not carry out for a reason of the content: a channel the
// customer does not subscribe to, a recording that already exists, a
// full DVR. Build the error with [VideoError].
// See https://developer.amazon.com/docs/device-apis/alexa-video-errorresponse.html.
const NamespaceVideo Namespace = "Alexa.Video"

// Error types of the Alexa.Video ErrorResponse; build the errors with
// [VideoError]. Alexa tells the customer the type; the message, which the
// documentation requires, is for logs only. A skill may also answer a
// video directive with the generic error types, which go in Alexa's own
// ErrorResponse.
// See https://developer.amazon.com/docs/device-apis/alexa-video-errorresponse.html.
const (
	// ErrorActionNotPermittedForContent: the content does not allow the
	// action, e.g. deleting a recording marked as not deletable.
	ErrorActionNotPermittedForContent ErrorType = "ACTION_NOT_PERMITTED_FOR_CONTENT"
	// ErrorConfirmationRequired: the action needs a further confirmation
	// before it can be carried out.
	ErrorConfirmationRequired ErrorType = "CONFIRMATION_REQUIRED"
	// ErrorContentNotRecordable: the recording failed because of
	// restrictions on the content.
	ErrorContentNotRecordable ErrorType = "CONTENT_NOT_RECORDABLE"
	// ErrorNotSubscribed: the customer does not subscribe to the content,
	// e.g. a channel or another subscription-based content.
	ErrorNotSubscribed ErrorType = "NOT_SUBSCRIBED"
	// ErrorRecordingExists: the recording failed because it already
	// exists.
	ErrorRecordingExists ErrorType = "RECORDING_EXISTS"
	// ErrorStorageFull: the recording failed because the DVR storage is
	// full.
	ErrorStorageFull ErrorType = "STORAGE_FULL"
	// ErrorTitleDisambiguationRequired: the title matched several results
	// (several airings of a program, several programs of an entity) and
	// the target device offers the customer a way to choose among them.
	ErrorTitleDisambiguationRequired ErrorType = "TITLE_DISAMBIGUATION_REQUIRED"
	// ErrorTunerOccupied: the recording failed because it conflicts with
	// another recording's schedule.
	ErrorTunerOccupied ErrorType = "TUNER_OCCUPIED"
)

// videoDirectiveNamespaces are the namespaces of the video skill APIs,
// whose directives an Alexa.Video error may answer: the interfaces
// Amazon's Video Skill APIs page lists for video skills (the
// video-specific ones and the smart home ones a video device uses, as
// PowerController and Speaker). Alexa.UIController and
// Alexa.VideoRecorder, which this package does not model, are among
// them: a skill answers them with HandleFunc.
// See https://developer.amazon.com/docs/video/video-skill-api-reference.html.
var videoDirectiveNamespaces = map[Namespace]bool{
	NamespaceChannelController: true, NamespaceInputController: true, NamespaceKeypadController: true,
	NamespaceLauncher: true, NamespacePlaybackController: true, NamespacePowerController: true,
	NamespaceRecordController: true, NamespaceRemoteVideoPlayer: true, NamespaceSeekController: true,
	NamespaceSpeaker: true, NamespaceStepSpeaker: true,
	"Alexa.UIController": true, "Alexa.VideoRecorder": true,
}

// VideoError returns an [*Error] of the Alexa.Video namespace, for the
// error types declared above, e.g. VideoError(ErrorNotSubscribed, "HBO is
// not in the customer's plan"). Alexa.Video has no directives of its own:
// its error answers a directive of the video skill APIs (Alexa.ChannelController,
// Alexa.InputController, Alexa.KeypadController, Alexa.Launcher,
// Alexa.PlaybackController, Alexa.PowerController, Alexa.RecordController,
// Alexa.RemoteVideoPlayer, Alexa.SeekController, Alexa.Speaker,
// Alexa.StepSpeaker, Alexa.UIController, Alexa.VideoRecorder); the Router
// answers INTERNAL_ERROR if one answers another interface's directive (a
// thermostat's, say). A generic type given here is sent in Alexa's
// ErrorResponse; any other type makes the Router answer INTERNAL_ERROR.
// See https://developer.amazon.com/docs/device-apis/alexa-video-errorresponse.html.
func VideoError(t ErrorType, message string) *Error {
	return &Error{Namespace: NamespaceVideo, Type: t, Message: message}
}
