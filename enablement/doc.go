// Package enablement is app-to-app account linking: a customer signed in
// to your app enables your smart home skill, and links their account,
// without leaving the app for the Alexa app.
//
// The flow, for the signed-in customer userID of your app:
//
//  1. [Client.AuthCodeURL] is the Login with Amazon URL to send them to,
//     for the alexa::skills:account_linking scope, with a PKCE challenge
//     and a sealed state bound to userID.
//  2. LWA sends them back to your redirect URL; [Client.Exchange] checks
//     the state (forged, foreign or expired states are refused with
//     [ErrBadState]) and exchanges the code for their Amazon access token.
//  3. [Client.Enable] calls the Alexa Skill Enablement API on their
//     regional host with that token and an authorization code of their
//     account in your own OAuth server (the skill's account linking). Alexa
//     exchanges that code at your server, enables the skill, and sends your
//     skill an AcceptGrant, as if they had linked in the Alexa app.
//  4. [Client.Status] and [Client.Disable] read and undo it.
//
// It is a package of its own rather than part of lwa: it calls another API
// (the Alexa REST API), with another app's LWA credentials (the security
// profile of the app the customer signs in to) and another token (the
// customer's, scope alexa::skills:account_linking), used only here; lwa
// keeps the skill's messaging grants.
//
// No error or log of the package contains a token, a code or a secret.
// alexatest fakes the whole chain (the authorization page, the token
// endpoint, the Skill Enablement API and the account-linking exchange that
// ends in an AcceptGrant), so it runs in tests. See
// https://developer.amazon.com/en-US/docs/alexa/account-linking/app-to-app-account-linking-starting-from-your-app.html
// and https://developer.amazon.com/en-US/docs/alexa/smapi/skill-enablement.html.
package enablement
