"""The guest's serial console log, for os-getConsoleOutput: read whole on
the compute; the API keeps the last lines the caller asked for."""


def get_console_output(context, driver, instance):
    """The console log as text (undecodable bytes replaced)."""
    output = driver.get_console_output(context, instance)
    if isinstance(output, bytes):
        output = output.decode('utf-8', 'replace')
    return output
