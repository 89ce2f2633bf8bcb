from cdktf import App

from lib.tap_stack import TapStack

app = App()
TapStack(app, "tap")
app.synth()
